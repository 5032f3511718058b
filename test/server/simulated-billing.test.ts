import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

/** 3 H100 for 6 simulated hours on sim-paris (2.50 EUR per GPU-hour, time scale 3600): 6 s of wall time. */
const SIX_HOURS = `apiVersion: usine/v1
kind: Job
metadata: { name: six-hours }
spec:
  workload: train
  command: ["python", "train.py"]
  resources: { gpus: 3, gpuModels: [H100] }
  duration: 6h
  placement: { sites: [sim-paris] }
`;

describe('simulated sites bill simulated time', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;
  let job: Record<string, unknown>;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    owner = (await createOwner(call, factory.adminKey, 'sim-co')).key;
    const id = (
      await call('POST', '/v1/jobs', {
        key: owner,
        body: SIX_HOURS,
        headers: { 'content-type': 'application/yaml', 'idempotency-key': 'six-hours' },
      })
    ).body['id'] as string;
    for (let i = 0; i < 600; i++) {
      job = (await call('GET', `/v1/jobs/${id}`, { key: owner })).body;
      if (job['status'] === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(job['status']).toBe('succeeded');
    // the final record is written by the next metering pass
    for (let i = 0; i < 100; i++) {
      const usage = (await call('GET', '/v1/usage?groupBy=job', { key: owner })).body;
      if ((usage.items ?? []).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('agrees on the job’s estimate, its meter, its invoice and its budget to the cent', async () => {
    const estimate = (job['placement'] as { decision: { estimatedCost: string } }).decision.estimatedCost;
    expect(estimate).toBe('45.00 EUR');
    const usage = (await call('GET', '/v1/usage?groupBy=job', { key: owner })).body;
    expect(usage.items).toEqual([
      expect.objectContaining({
        key: job['id'],
        gpuSeconds: '64800.000000',
        cost: estimate,
        simulated: true,
      }),
    ]);
    const month = new Date().toISOString().slice(0, 7);
    const [invoice] = (await call('GET', `/v1/invoices?month=${month}`, { key: owner })).body.items as {
      subtotal: string;
      lines: Record<string, unknown>[];
    }[];
    expect(invoice?.lines).toEqual([
      expect.objectContaining({
        site: 'sim-paris',
        gpuHours: '18.000000',
        amount: estimate,
        simulated: true,
      }),
    ]);
    expect(invoice?.subtotal).toBe(estimate);
    const atEstimate = await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: estimate } });
    expect(atEstimate.body).toMatchObject({ percent: 100, exhausted: true });
    const aCentMore = await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: '45.01 EUR' } });
    expect(aCentMore.body).toMatchObject({ percent: 99, exhausted: false });
  });
});
