import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { prepareReplicaCommand } from '../fixtures/replica-command.js';
import { deleteServiceAndWait } from './stop-replicas.js';

interface Replica {
  job: string;
  ready: boolean;
  endpoint: string | null;
  status: string;
}

// A replica that crashes or fails its liveness probe is replaced (its job failed with the
// reason, recorded as a service event), by real replica processes run by the fleet agent.
describe('replacing replicas', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let key = '';
  let command: readonly string[] = [];

  beforeAll(async () => {
    command = await prepareReplicaCommand();
    factory = await startTestFactory({ fleet: { heartbeatSeconds: 1, graceSeconds: 60 } });
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'acme')).key;
  });
  afterAll(async () => {
    for (const name of ['crashy', 'stuck']) await deleteServiceAndWait(factory.url, key, name);
    await factory?.close();
  });

  const serve = (name: string, extra = '') =>
    call('POST', '/v1/services', {
      key,
      body: `apiVersion: usine/v1
kind: Service
metadata: { name: ${name} }
spec:
  command: ${JSON.stringify(command)}
  resources: { gpus: 1 }
  readiness: { path: /health, intervalSeconds: 0.2 }
  placement: { sites: [local] }
${extra}`,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
    });
  const view = async (name: string) => (await call('GET', `/v1/services/${name}`, { key })).body;
  const replicas = async (name: string) => ((await view(name))['replicas'] as { items: Replica[] }).items;
  async function readyReplica(name: string, other?: string): Promise<Replica> {
    for (let i = 0; i < 300; i++) {
      const found = (await replicas(name)).find((r) => r.ready && r.job !== other);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`no ready replica of ${name}: ${JSON.stringify(await view(name))}`);
  }
  const events = async (name: string) =>
    ((await view(name))['events'] as { type: string; data: Record<string, unknown> }[]).map((e) => ({
      type: e.type,
      ...e.data,
    }));

  it('replaces a replica whose process crashed, saying how it ended', async () => {
    expect((await serve('crashy')).status).toBe(201);
    const first = await readyReplica('crashy');
    await fetch(`${first.endpoint}/__stand-in`, { method: 'POST', body: JSON.stringify({ exit: 3 }) });
    const second = await readyReplica('crashy', first.job);
    expect(second.job).not.toBe(first.job);
    const job = (await call('GET', `/v1/jobs/${first.job}`, { key })).body;
    expect(job).toMatchObject({ status: 'failed', exitCode: 3, reason: 'exit code 3' });
    expect(await events('crashy')).toContainEqual(
      expect.objectContaining({ type: 'replica-ended', job: first.job, status: 'failed', failures: 1 }),
    );
    const answer = await call('POST', '/s/acme/crashy/v1/chat/completions', {
      key,
      json: { messages: [{ role: 'user', content: 'still there' }] },
    });
    expect(answer.status).toBe(200);
  });

  it('fails and replaces a replica whose liveness probe fails in a row', async () => {
    expect(
      (await serve('stuck', '  liveness: { path: /health, intervalSeconds: 0.2, failureThreshold: 2 }\n'))
        .status,
    ).toBe(201);
    const first = await readyReplica('stuck');
    await fetch(`${first.endpoint}/__stand-in`, { method: 'POST', body: JSON.stringify({ healthy: false }) });
    const second = await readyReplica('stuck', first.job);
    expect(second.job).not.toBe(first.job);
    const job = (await call('GET', `/v1/jobs/${first.job}`, { key })).body;
    expect(job['status']).toBe('failed');
    expect(job['reason']).toBe('liveness probe GET /health failed 2 times in a row: answered 503');
    expect(await events('stuck')).toContainEqual(
      expect.objectContaining({ type: 'replica-ended', job: first.job, status: 'failed' }),
    );
  });
});
