import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

const JOB = (name: string, where: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec: { workload: train, command: [train], resources: { gpus: 1 }, duration: 10m, placement: ${where} }
`;

// POST /v1/jobs places the job at once with the load the reconciler last measured, so its
// answer already says where it goes and why, with the decision the reconciler would make
// (budgets, quotas and the backends' capabilities included).
describe('placement at submission', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  const owners: Record<string, string> = {};

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    for (const name of ['plain', 'budgeted', 'spent']) {
      owners[name] = (await createOwner(call, factory.adminKey, name)).key;
    }
    await sleep(500); // a few reconciler passes: the sites' live load is known
  });
  afterAll(() => factory?.close());

  const submit = (key: string, yaml: string, idempotencyKey: string) =>
    call('POST', '/v1/jobs', {
      key,
      body: yaml,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': idempotencyKey },
    });

  it('answers 201 with the job already placed, its explanation, events and audit entries', async () => {
    const key = owners['plain'] ?? '';
    const answer = await submit(key, JOB('at-once', '{ sites: [sim-paris] }'), 'p-1');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'placed', site: 'sim-paris' });
    expect(answer.body['placement']).toMatchObject({ decision: { site: 'sim-paris', gpuModel: 'H100' } });
    const id = answer.body['id'] as string;
    const events = await call('GET', `/v1/jobs/${id}/events`, { key });
    expect(String(events.body)).toMatch(/"status":"queued"[\s\S]*"site":"sim-paris","status":"placed"/);
    const audit = (await call('GET', '/v1/audit?limit=1000', { key })).body['items'] as {
      action: string;
      actor: string;
      subject: string;
    }[];
    expect(
      audit
        .filter((e) => e.subject === id)
        .slice(0, 2)
        .map((e) => `${e.action} by ${e.actor}`),
    ).toEqual([expect.stringMatching(/^job\.submit by key:/), 'job.place by placement']);
    // and the reconciler takes it from there
    for (let i = 0; i < 50; i += 1) {
      const job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
      if (job['status'] === 'succeeded') return;
      await sleep(100);
    }
    throw new Error('the job placed at submission never ran');
  });

  it('answers an infeasible job as unplaceable at once, with every site and its reasons', async () => {
    const answer = await submit(owners['plain'] ?? '', JOB('nowhere', '{ sites: [atlantis] }'), 'p-2');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'unplaceable' });
    expect(String(answer.body['reason'])).toMatch(/^no feasible site: local \(SITE_NOT_ALLOWED\)/);
  });

  it('places the job of a tenant with a budget at once, the budget applied (the decision the reconciler makes)', async () => {
    const key = owners['budgeted'] ?? '';
    const put = await call('PUT', '/v1/budgets/tenant', { key, json: { limit: '1000.00 EUR' } });
    expect(put.status).toBe(200);
    const answer = await submit(key, JOB('with-budget', '{ sites: [sim-paris] }'), 'b-1');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'placed', site: 'sim-paris' });
  });

  it('answers at once that a spent budget holds the job in the queue, and why', async () => {
    const key = owners['spent'] ?? '';
    const put = await call('PUT', '/v1/budgets/tenant', {
      key,
      json: { limit: '0 EUR', onExceeded: 'wait' },
    });
    expect(put.status).toBe(200);
    const answer = await submit(key, JOB('held', '{ sites: [sim-paris] }'), 's-1');
    expect(answer.body).toMatchObject({ status: 'queued' });
    expect(String(answer.body['reason'])).toMatch(
      /^BUDGET: the budget tenant is spent \(100 % this month\); the job waits in the queue$/,
    );
  });

  it('never sends a job to a backend that cannot run it: an image to the local backend is CAPABILITY', async () => {
    const yaml = JOB('boxed', '{ sites: [local] }').replace(
      'command: [train]',
      'image: registry.example/t:1',
    );
    const answer = await submit(owners['plain'] ?? '', yaml, 'c-1');
    expect(answer.body).toMatchObject({ status: 'unplaceable' });
    const view = answer.body['placement'] as {
      rejected: { site: string; reasons: { code: string; message: string }[] }[];
    };
    expect(view.rejected.find((r) => r.site === 'local')?.reasons).toContainEqual({
      code: 'CAPABILITY',
      message: expect.stringMatching(/local backend of local cannot run container images/),
    });
  });
});
