import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import type { Budget } from '../../src/domain/metering/budget.js';
import type { UsageRecord } from '../../src/domain/metering/usage-record.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestId } from './store-fixtures.js';

afterAll(dropTestSchemas);

const usage = (tenantId: string, over: Partial<UsageRecord> = {}): UsageRecord => ({
  key: `${newTestId('job')}#1`,
  tenantId,
  project: 'vision',
  jobId: null,
  site: 'paris',
  gpuModel: 'H100',
  offering: 'on-demand',
  milliGpus: 500,
  start: '2026-11-02T10:00:00.000Z',
  end: '2026-11-02T10:00:01.234Z',
  energyWh: { coefficient: 123456n, scale: 3 },
  pricePerGpuHour: { amount: { coefficient: 2333n, scale: 3 }, currency: 'EUR' },
  minimumSeconds: 60,
  isFinal: false,
  timeScale: 1,
  invoiceMonth: null,
  correction: null,
  ...over,
});

const NOVEMBER = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

describe.each(STORE_BACKENDS)('usage ledger on $name', (backend) => {
  let store: Store;
  // opening and migrating PGlite takes seconds on a loaded machine: more than the default 10 s hook
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  describe.skipIf(backend.skip)('records', () => {
    it('reads back a record exactly as appended (NUMERIC price and energy, millisecond instants)', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const record = usage(tenant.id, { jobId: 'job_x' });
        expect(await tx.appendUsage([record])).toBe(1);
        expect(await tx.listUsage(tenant.id, NOVEMBER)).toEqual([record]);
      });
    });

    it('charges a replayed key nothing: the batch counts only new records', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const records = [usage(tenant.id), usage(tenant.id), usage(tenant.id)];
        expect(await tx.appendUsage(records)).toBe(3);
        expect(await tx.appendUsage([...records, usage(tenant.id)])).toBe(1);
        expect(await tx.listUsage(tenant.id, NOVEMBER)).toHaveLength(4);
      });
    });

    it('refuses to edit or delete a record: corrections are new records', async () => {
      const { store: own, db } = await backend.openWithDatabase();
      try {
        const tenant = await own.transaction((tx) => createTestTenant(tx));
        await own.transaction((tx) => tx.appendUsage([usage(tenant.id)]));
        await expect(
          db.transaction((sql) => sql.query('UPDATE usage_records SET milli_gpus = 1')),
        ).rejects.toThrow(/append-only/);
        await expect(db.transaction((sql) => sql.query('DELETE FROM usage_records'))).rejects.toThrow(
          /append-only/,
        );
      } finally {
        await own.close();
      }
    });

    it('finds the last record of a job by its sequence', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const job = newTestId('job');
        await tx.appendUsage([
          usage(tenant.id, { key: `${job}#1`, jobId: job }),
          usage(tenant.id, {
            key: `${job}#2`,
            jobId: job,
            start: '2026-11-02T10:00:01.234Z',
            end: '2026-11-02T10:05:00.000Z',
            isFinal: true,
          }),
        ]);
        expect(await tx.lastUsageOfJob(job)).toEqual({
          seq: 2,
          end: '2026-11-02T10:05:00.000Z',
          isFinal: true,
        });
        expect(await tx.lastUsageOfJob('job_none')).toBeUndefined();
      });
    });

    it('sums the month per project and price, exactly (milli-GPU × ms)', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        await tx.appendUsage([usage(tenant.id), usage(tenant.id), usage(tenant.id, { project: 'nlp' })]);
        expect(await tx.sumUsage(tenant.id, NOVEMBER)).toEqual([
          {
            project: 'nlp',
            pricePerGpuHour: { amount: { coefficient: 2333n, scale: 3 }, currency: 'EUR' },
            quantity: 617_000n,
          },
          {
            project: 'vision',
            pricePerGpuHour: { amount: { coefficient: 2333n, scale: 3 }, currency: 'EUR' },
            quantity: 1_234_000n,
          },
        ]);
      });
    });

    it('lists only the tenant’s records that start in the range', async () => {
      await store.transaction(async (tx) => {
        const a = await createTestTenant(tx);
        const b = await createTestTenant(tx);
        await tx.appendUsage([
          usage(a.id),
          usage(b.id),
          usage(a.id, { start: '2026-12-01T00:00:00.000Z', end: '2026-12-01T01:00:00.000Z' }),
        ]);
        expect(await tx.listUsage(a.id, NOVEMBER)).toHaveLength(1);
      });
    });
  });

  describe.skipIf(backend.skip)('budgets and billing settings', () => {
    it('keeps one budget per scope, replaced by a PUT', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const budget: Budget = {
          scope: 'project:vision',
          limit: { money: { amount: { coefficient: 1000n, scale: 2 }, currency: 'EUR' } },
          period: 'month',
          onExceeded: 'reject',
          stopPreemptible: true,
        };
        await tx.putBudget(tenant.id, budget, '2026-11-02T10:00:00Z');
        const hours: Budget = {
          ...budget,
          limit: { gpuHours: { coefficient: 15n, scale: 1 } },
          onExceeded: 'wait',
        };
        await tx.putBudget(tenant.id, hours, '2026-11-02T11:00:00Z');
        expect(await tx.listBudgets(tenant.id)).toEqual([hours]);
      });
    });

    it('records each alert threshold once per month', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        expect(await tx.recordBudgetAlert(tenant.id, 'tenant', '2026-11', 50, '2026-11-02T10:00:00Z')).toBe(
          true,
        );
        expect(await tx.recordBudgetAlert(tenant.id, 'tenant', '2026-11', 50, '2026-11-02T11:00:00Z')).toBe(
          false,
        );
        expect(await tx.recordBudgetAlert(tenant.id, 'tenant', '2026-12', 50, '2026-12-02T11:00:00Z')).toBe(
          true,
        );
      });
    });

    it('stores tax, statement currency, markups and commitments', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const settings = {
          taxRate: { coefficient: 20n, scale: 2 },
          taxLabel: null,
          statementCurrency: 'USD',
          markups: new Map([['vision', { coefficient: 25n, scale: 2 }]]),
          commitments: [
            {
              month: '2026-11',
              site: 'paris',
              gpuModel: 'H100',
              gpus: 4,
              pricePerGpuHour: { amount: { coefficient: 180n, scale: 2 }, currency: 'EUR' },
              overagePricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
            },
          ],
        };
        await tx.putBillingSettings(tenant.id, settings, '2026-11-02T10:00:00Z');
        expect(await tx.getBillingSettings(tenant.id)).toEqual(settings);
      });
    });

    it('freezes a final invoice: a second save keeps the first', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        await tx.saveFinalInvoice(tenant.id, '2026-10', 'EUR', { total: '1.00 EUR' }, '2026-11-01T00:00:00Z');
        await tx.saveFinalInvoice(tenant.id, '2026-10', 'EUR', { total: '2.00 EUR' }, '2026-11-02T00:00:00Z');
        expect(await tx.listFinalInvoices(tenant.id, '2026-10')).toEqual([{ total: '1.00 EUR' }]);
      });
    });
  });
});
