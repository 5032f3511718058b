import type { AppContext } from '../context.js';
import { billLateUsage } from '../../domain/metering/late-usage.js';
import { checkBudgets } from './check-budgets.js';
import { nextUsageRecords } from './job-usage.js';

/** Jobs metered per pass; the rest wait for the next one. */
const METER_BATCH = 256;

/**
 * One metering pass: for every job whose ledger is open, the records since its last one
 * (a running job's interval once it is `minIntervalMs` long; a finished job's last interval
 * up to its end, final), appended in one batch. Keys are job + sequence: two reconcilers
 * racing write each record once. Budgets of the tenants charged are then checked, so their
 * alerts fire. Returns how many records were new.
 */
export async function meterUsage(ctx: AppContext, now: Date, minIntervalMs = 30_000): Promise<number> {
  return ctx.store.transaction(async (tx) => {
    const jobs = await tx.listJobsToMeter(METER_BATCH);
    const records = [];
    for (const job of jobs) {
      records.push(
        ...nextUsageRecords(
          job,
          await tx.lastUsageOfJob(job.id),
          ctx.catalog,
          now,
          minIntervalMs,
          timeScaleOf(ctx, job.site),
        ),
      );
    }
    const appended = await tx.appendUsage(billLateUsage(records, now));
    for (const tenantId of new Set(records.map((r) => r.tenantId))) await checkBudgets(tx, tenantId, now);
    return appended;
  });
}

/** Simulated seconds per wall second of a site's backend (1 for a real one), as an integer. */
export function timeScaleOf(ctx: Pick<AppContext, 'executors'>, site: string | null): number {
  const scale = (site === null ? undefined : ctx.executors.get(site))?.capabilities.timeScale ?? 1;
  return Math.max(1, Math.round(scale));
}
