import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../src/domain/metering/month.js';
import { api, createOwner, startTestFactory, TEST_CATALOG } from './factory-fixture.js';

const CATALOG = TEST_CATALOG.replace(
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]',
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }]',
);

/** Two months before now: its invoice is final whatever the day (the hour of grace is long past). */
const now = new Date();
const OLD = monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 10)));
const RUN_START = `${OLD}-10T08:00:00.000Z`;
const HALF_WAY = `${OLD}-10T08:30:00.000Z`;
const RUN_END = `${OLD}-10T09:00:00.000Z`;

describe('late usage', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;
  const jobId = 'job_late0001';

  beforeAll(async () => {
    factory = await startTestFactory({ catalogText: CATALOG });
    call = api(factory.url);
    const created = await createOwner(call, factory.adminKey, 'late-co');
    owner = created.key;
    // a job that ran an hour on one L40S two months ago; its first half was metered in time
    await factory.ctx.store.transaction(async (tx) => {
      const decision = {
        site: 'local',
        gpuModel: 'L40S',
        offering: 'on-demand',
        pricePerGpuHour: '2.50 EUR',
      };
      await tx.createJob({
        id: jobId,
        tenantId: created.tenantId,
        project: 'default',
        name: 'old-run',
        kind: 'Job',
        labels: {},
        document: {},
        idempotencyKey: 'old-run',
        requestHash: '0'.repeat(64),
        at: RUN_START,
        placement: { status: 'placed', site: 'local', view: { decision }, reason: null },
      });
      const allocation = {
        site: 'local',
        nodes: [{ node: 'local-1', gpuIndices: [0], milliGpus: 1000 }],
        virtual: true,
      };
      await tx.transitionJob(jobId, {
        from: 'placed',
        to: 'admitted',
        at: RUN_START,
        site: 'local',
        allocation,
      });
      await tx.transitionJob(jobId, { from: 'admitted', to: 'running', at: RUN_START, startedAt: RUN_START });
      await tx.transitionJob(jobId, {
        from: 'running',
        to: 'succeeded',
        at: RUN_END,
        exitCode: 0,
        finishedAt: RUN_END,
      });
      await tx.appendUsage([
        {
          key: `${jobId}#1`,
          tenantId: created.tenantId,
          project: 'default',
          jobId,
          site: 'local',
          gpuModel: 'L40S',
          offering: 'on-demand',
          milliGpus: 1000,
          start: RUN_START,
          end: HALF_WAY,
          energyWh: { coefficient: 175n, scale: 0 },
          pricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
          minimumSeconds: null,
          isFinal: true,
          timeScale: 1,
          invoiceMonth: null,
          correction: null,
        },
      ]);
    });
  }, 60_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('bills a record of a final month on the open invoice, as an adjustment naming its month', async () => {
    const final = await call('GET', `/v1/invoices/inv_${OLD}_EUR`, { key: owner });
    expect(final.body).toMatchObject({ status: 'final', total: '1.25 EUR' });
    // the second half of the run, reported late by the operator: half a GPU-hour at 2.50
    const late = await call('POST', '/v1/usage', {
      key: factory.adminKey,
      json: [
        {
          specversion: '1.0',
          id: 'late-1',
          source: 'site/local/meter',
          type: 'usine.usage.v1',
          data: { job: jobId, site: 'local', gpuModel: 'L40S', gpus: 1, start: HALF_WAY, end: RUN_END },
        },
      ],
    });
    expect(late.body).toEqual({ accepted: 1, duplicates: 0 });
    // the final invoice never changes
    expect((await call('GET', `/v1/invoices/inv_${OLD}_EUR`, { key: owner })).body).toEqual(final.body);
    const open = (await call('GET', '/v1/invoices', { key: owner })).body.items as {
      lines: Record<string, unknown>[];
      subtotal: string;
    }[];
    expect(open[0]?.lines).toEqual([
      expect.objectContaining({ period: OLD, site: 'local', gpuHours: '0.500000', amount: '1.25 EUR' }),
    ]);
    expect(open[0]?.subtotal).toBe('1.25 EUR');
    // the month's budget counts what its invoice carries
    const budget = await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: '2.50 EUR' } });
    expect(budget.body).toMatchObject({ percent: 50 });
  });
});
