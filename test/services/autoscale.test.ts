import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { prepareReplicaCommand } from '../fixtures/replica-command.js';
import { deleteServiceAndWait } from './stop-replicas.js';

interface View {
  replicas: { desired: number; ready: number; items: { job: string; endpoint: string | null }[] };
  events: { type: string; data: Record<string, unknown> }[];
}

// Autoscaling from the gateway's own measurements, with real replica processes answering in
// 300 ms: a load step scales up, the end of it scales down after the delay and to zero after
// idleness, and a request arriving at zero is held until a replica is ready, then answered.
describe('autoscaling a service', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let key = '';

  beforeAll(async () => {
    const command = await prepareReplicaCommand();
    factory = await startTestFactory({ fleet: { heartbeatSeconds: 1, graceSeconds: 60 } });
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'acme')).key;
    const served = await call('POST', '/v1/services', {
      key,
      body: `apiVersion: usine/v1
kind: Service
metadata: { name: elastic }
spec:
  command: ${JSON.stringify(command)}
  env: { REPLICA_LATENCY_MS: "300" }
  resources: { gpus: 0.25 }
  replicas: { min: 0, max: 3 }
  readiness: { path: /health, intervalSeconds: 0.5 }
  autoscale: { metric: inflight, target: 2, scaleDownDelay: 2s, scaleToZeroAfter: 4s }
  endpoint: { auth: keys, openai: true }
  placement: { sites: [local] }
`,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'elastic' },
    });
    expect(served.status).toBe(201);
  });
  afterAll(async () => {
    await deleteServiceAndWait(factory.url, key, 'elastic');
    await factory?.close();
  });

  const view = async () => (await call('GET', '/v1/services/elastic', { key })).body as unknown as View;
  async function waitFor(done: (v: View) => boolean, what: string): Promise<View> {
    for (let i = 0; i < 600; i++) {
      const v = await view();
      if (done(v)) return v;
      await sleep(100);
    }
    throw new Error(`never ${what}: ${JSON.stringify(await view())}`);
  }
  const chat = () =>
    call('POST', '/s/acme/elastic/v1/chat/completions', {
      key,
      json: { messages: [{ role: 'user', content: 'scale me' }], max_tokens: 2 },
    });
  const autoscaled = (v: View) => v.events.filter((e) => e.type === 'autoscaled').map((e) => e.data);

  it('scales up under a load step, every decision an event with its inputs', async () => {
    await waitFor((v) => v.replicas.ready === 1, 'one ready replica');
    let loading = true;
    const statuses: number[] = [];
    const client = async () => {
      while (loading) statuses.push((await chat()).status);
    };
    const clients = Array.from({ length: 6 }, client);
    const scaled = await waitFor((v) => v.replicas.ready === 3, 'three ready replicas under load');
    loading = false;
    await Promise.all(clients);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(autoscaled(scaled)).toContainEqual(
      expect.objectContaining({ reason: 'load', metric: 'inflight', target: 2, from: 1 }),
    );
  });

  it('scales down after the delay, then to zero once idle, and the replicas’ processes end', async () => {
    const endpoints = (await view()).replicas.items.map((i) => i.endpoint).filter((e) => e !== null);
    const down = await waitFor((v) => v.replicas.desired === 0, 'scaled to zero');
    const reasons = autoscaled(down).map((d) => d['reason']);
    expect(reasons).toContain('idle');
    expect(autoscaled(down).find((d) => d['reason'] === 'idle')).toMatchObject({ to: 0, held: 0 });
    await waitFor((v) => v.replicas.items.length === 0, 'no replica left');
    // the agent stops them at its next heartbeat
    const isUp = (endpoint: string) =>
      fetch(`${endpoint}/health`).then(
        () => true,
        () => false,
      );
    for (const endpoint of endpoints) {
      for (let i = 0; i < 100 && (await isUp(endpoint)); i++) await sleep(100);
      expect(await isUp(endpoint)).toBe(false);
    }
  });

  it('holds a request at zero replicas until one is ready, and answers it', async () => {
    const answer = await chat();
    expect(answer.status).toBe(200);
    const v = await view();
    expect(autoscaled(v)[0]).toMatchObject({ reason: 'held-requests', from: 0, to: 1, held: 1 });
  });
});
