import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { prepareReplicaCommand } from '../fixtures/replica-command.js';
import { deleteServiceAndWait } from './stop-replicas.js';

interface View {
  revision: number;
  replicas: { ready: number; items: { job: string; revision: number; ready: boolean }[] };
  events: { type: string; data: Record<string, unknown> }[];
}

// A rolling update under constant load with real replica processes: the new revision replaces
// the old one replica by replica with no failed request, and a revision whose replicas fail is
// rolled back while the old replicas go on serving.
describe('rolling out a new revision', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let key = '';
  let command: readonly string[] = [];
  const spec = (model: string, run = JSON.stringify(command)) => `apiVersion: usine/v1
kind: Service
metadata: { name: roll }
spec:
  command: ${run}
  env: { REPLICA_MODEL: "${model}" }
  resources: { gpus: 0.25 }
  replicas: { min: 2, max: 2 }
  readiness: { path: /health, intervalSeconds: 0.3 }
  rollout: { maxSurge: 1, maxUnavailable: 0 }
  endpoint: { auth: keys, openai: true }
  placement: { sites: [local] }
`;
  const apply = (yaml: string) =>
    call('PUT', '/v1/services/roll', { key, body: yaml, headers: { 'content-type': 'application/yaml' } });
  const view = async () => (await call('GET', '/v1/services/roll', { key })).body as unknown as View;
  async function waitFor(done: (v: View) => boolean, what: string): Promise<View> {
    for (let i = 0; i < 600; i++) {
      const v = await view();
      if (done(v)) return v;
      await sleep(100);
    }
    throw new Error(`never ${what}: ${JSON.stringify(await view())}`);
  }
  /** Calls the service from 3 clients until `stop()`; every status and model answered. */
  function load() {
    let running = true;
    const answers: { status: number; model: unknown }[] = [];
    const client = async () => {
      while (running) {
        const a = await call('POST', '/s/acme/roll/v1/chat/completions', {
          key,
          json: { messages: [{ role: 'user', content: 'which one' }], max_tokens: 1 },
        });
        answers.push({ status: a.status, model: a.body['model'] });
      }
    };
    const clients = Array.from({ length: 3 }, client);
    return {
      answers,
      stop: async () => {
        running = false;
        await Promise.all(clients);
      },
    };
  }

  beforeAll(async () => {
    command = await prepareReplicaCommand();
    factory = await startTestFactory({ fleet: { heartbeatSeconds: 1, graceSeconds: 60 } });
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'acme')).key;
    const created = await apply(spec('v1'));
    expect(created.status).toBe(201);
    await waitFor((v) => v.replicas.ready === 2, 'two ready replicas');
  });
  afterAll(async () => {
    await deleteServiceAndWait(factory.url, key, 'roll');
    await factory?.close();
  });

  it('replaces every replica under load with no failed request', async () => {
    const traffic = load();
    await sleep(300);
    const revised = await apply(spec('v2'));
    expect(revised.status).toBe(200);
    expect(revised.headers.get('usine-apply')).toBe('revised');
    const done = await waitFor(
      (v) =>
        v.revision === 2 &&
        v.replicas.items.length === 2 &&
        v.replicas.items.every((r) => r.revision === 2 && r.ready),
      'two ready replicas of revision 2 and none of revision 1',
    );
    await sleep(300);
    await traffic.stop();
    expect(traffic.answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(traffic.answers.map((a) => a.model))).toEqual(new Set(['v1', 'v2']));
    expect(done.events.filter((e) => e.type === 'replica-stopped').map((e) => e.data['reason'])).toEqual([
      'replaced by revision 2',
      'replaced by revision 2',
    ]);
    expect((await apply(spec('v2'))).headers.get('usine-apply')).toBe('unchanged');
  });

  it('rolls back a revision whose replicas fail, the old ones serving throughout', async () => {
    const traffic = load();
    const broken = await apply(spec('v3', JSON.stringify([process.execPath, '-e', 'process.exit(4)'])));
    expect(broken.body['revision']).toBe(3);
    const back = await waitFor((v) => v.events.some((e) => e.type === 'rolled-back'), 'rolled back');
    expect(back.events.find((e) => e.type === 'rolled-back')?.data).toMatchObject({
      from: 3,
      to: 2,
      status: 'failed',
      reason: 'exit code 4',
    });
    const steady = await waitFor(
      (v) => v.replicas.items.length === 2 && v.replicas.items.every((r) => r.revision === 2 && r.ready),
      'back to two ready replicas of revision 2',
    );
    expect(steady.revision).toBe(2);
    await traffic.stop();
    expect(traffic.answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(traffic.answers.map((a) => a.model))).toEqual(new Set(['v2']));
  });
});
