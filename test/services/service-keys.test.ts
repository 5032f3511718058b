import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';

// Service keys: an owner issues them, they call the tenant's services through the gateway and
// nothing else, each is rate limited, a revoked one is refused at once, and a spent budget
// blocks every key of the tenant with a problem saying why. The service runs on the simulated
// site (2.50 EUR per GPU-hour, an hour a second), so its spend grows as the test runs.
describe('service keys and budgets at the gateway', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner = '';
  let tenantId = '';

  beforeAll(async () => {
    factory = await startTestFactory({
      gatewayLimits: { keyRate: { perSecond: 5, burst: 5 }, budgetRefreshMs: 200 },
    });
    call = api(factory.url);
    ({ key: owner, tenantId } = await createOwner(call, factory.adminKey, 'acme'));
    const served = await call('POST', '/v1/services', {
      key: owner,
      body: `apiVersion: usine/v1
kind: Service
metadata: { name: chat }
spec:
  command: [serve]
  resources: { gpus: 1 }
  readiness: { path: /health, intervalSeconds: 0.5 }
  endpoint: { auth: keys, openai: true }
  placement: { sites: [sim-paris] }
`,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'chat' },
    });
    expect(served.status).toBe(201);
    for (let i = 0; i < 300; i++) {
      const view = (await call('GET', '/v1/services/chat', { key: owner })).body;
      if ((view['replicas'] as { ready: number }).ready === 1) break;
      await sleep(100);
    }
  });
  afterAll(() => factory?.close());

  const issue = async () => {
    const created = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'service' },
    });
    expect(created.status).toBe(201);
    return { id: created.body['id'] as string, key: created.body['key'] as string };
  };
  const chat = (key: string) =>
    call('POST', '/s/acme/chat/v1/chat/completions', {
      key,
      json: { messages: [{ role: 'user', content: 'hi' }] },
    });

  it('lets an owner issue a service key that calls the service and nothing else', async () => {
    const service = await issue();
    expect((await chat(service.key)).status).toBe(200);
    expect((await call('GET', '/v1/jobs', { key: service.key })).status).toBe(403);
    expect((await call('GET', '/v1/services', { key: service.key })).status).toBe(403);
  });

  it('limits each key’s calls, with Retry-After', async () => {
    const service = await issue();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const answer = await chat(service.key);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // another key has a bucket of its own
    expect((await chat((await issue()).key)).status).toBe(200);
  });

  it('refuses a revoked key (401), within the key cache of 500 ms', async () => {
    const service = await issue();
    expect((await chat(service.key)).status).toBe(200);
    expect((await call('DELETE', `/v1/keys/${service.id}`, { key: owner })).status).toBe(200);
    await sleep(600);
    const refused = await chat(service.key);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('blocks the tenant’s keys once its budget is spent, saying why (402)', async () => {
    const service = await issue();
    expect(
      (await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: '1.00 EUR' } })).status,
    ).toBe(200);
    let answer = await chat(service.key);
    // a running replica is metered every 30 s (then its cost passes the limit); the gateway
    // reads the budgets again every 200 ms here
    for (let i = 0; i < 240 && answer.status !== 402; i++) {
      await sleep(250);
      answer = await chat(service.key);
    }
    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({ code: 'USINE_BUDGET_SPENT' });
    expect(String(answer.body['detail'])).toMatch(/tenant's budget is spent \(\d+ % of its monthly limit\)/);
  }, 90_000);
});
