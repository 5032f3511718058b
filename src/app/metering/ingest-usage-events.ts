import type { Static } from 'typebox';
import type { UsageEventBatch } from '../../api/metering-schemas.js';
import { billLateUsage } from '../../domain/metering/late-usage.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { checkBudgets } from './check-budgets.js';
import { timeScaleOf } from './meter-usage.js';
import { checkUsageEvents, type UsageWriter } from './check-usage-events.js';

/**
 * Usage a site measured itself, as CloudEvents: each becomes a ledger record keyed
 * `ext:<tenant>:<source>:<id>` (so a resent event charges nothing), checked against the job it
 * names and priced at the price fixed when that job was admitted. Only the operator or a
 * site's metering key writes usage: a tenant's key of any role is refused (it would bill
 * itself). All or nothing: one bad event refuses the batch, with the path of every problem.
 */
export async function ingestUsageEvents(
  ctx: AppContext,
  principal: Principal,
  events: Static<typeof UsageEventBatch>,
): Promise<{ accepted: number; duplicates: number }> {
  const writer = requireUsageWriter(principal);
  const ids = [...new Set(events.flatMap((e) => (e.data.job === undefined ? [] : [e.data.job])))];
  return ctx.store.transaction(async (tx) => {
    const jobs = new Map((await tx.listJobsById(ids)).map((j) => [j.id, j]));
    const now = ctx.clock.now();
    const { records, problems } = checkUsageEvents(events, jobs, writer, ctx.catalog, now, (site) =>
      timeScaleOf(ctx, site),
    );
    if (problems.length > 0) {
      throw new UsineError(
        'USINE_INVALID_REQUEST',
        `${problems.length} problem(s) in the events; first: ${problems[0]?.path}: ${problems[0]?.message}`,
        problems,
      );
    }
    const accepted = await tx.appendUsage(billLateUsage(records, now));
    // the spend moved: the tenants' budgets alert now, not at the next metering pass
    for (const tenantId of new Set(records.map((r) => r.tenantId))) await checkBudgets(tx, tenantId, now);
    return { accepted, duplicates: events.length - accepted };
  });
}

/** The operator writes usage of any site, a metering key of its own; a tenant's key never does. */
export function requireUsageWriter(principal: Principal): UsageWriter {
  requireAllowed(principal, 'usage.write');
  return { site: principal.site };
}
