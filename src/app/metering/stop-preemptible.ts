import type { AppContext } from '../context.js';
import { jobMove } from '../jobs/job-move.js';
import { checkBudgets, type BudgetCheck } from './check-budgets.js';

/**
 * At 100 % of a budget that says `stopPreemptible`, the running spot jobs in its scope are
 * cancelled on their site and marked preempted with reason BUDGET (their usage so far stays
 * charged; the metering pass closes their ledger). Returns how many were stopped.
 */
export async function stopPreemptibleOverBudget(ctx: AppContext, now: Date): Promise<number> {
  const spot = (await ctx.store.transaction((tx) => tx.listAllocatedJobs())).filter(
    (j) =>
      j.status === 'running' && j.handle !== null && j.site !== null && offeringOf(j.placement) === 'spot',
  );
  if (spot.length === 0) return 0;
  const checks = new Map<string, BudgetCheck[]>();
  await ctx.store.transaction(async (tx) => {
    for (const tenantId of new Set(spot.map((j) => j.tenantId)))
      checks.set(tenantId, await checkBudgets(tx, tenantId, now));
  });
  let stopped = 0;
  for (const job of spot) {
    const over = (checks.get(job.tenantId) ?? []).find(
      (c) =>
        c.status.isExhausted &&
        c.budget.stopPreemptible &&
        (c.budget.scope === 'tenant' || c.budget.scope === `project:${job.project}`),
    );
    const executor = job.site ? ctx.executors.get(job.site) : undefined;
    if (!over || !executor || !job.handle) continue;
    await executor.cancel(job.handle);
    const at = now.toISOString();
    const reason = `BUDGET: the budget ${over.budget.scope} is spent; preemptible jobs are stopped`;
    const moved = await ctx.store.transaction(async (tx) => {
      const next = await tx.transitionJob(job.id, {
        from: 'running',
        to: 'preempted',
        at,
        reason,
        finishedAt: at,
      });
      if (next) {
        await tx.appendJobEvent(job.id, at, 'status', { status: 'preempted', reason });
        await tx.appendAudit({
          at,
          actor: 'metering',
          tenantId: job.tenantId,
          action: 'job.preempt',
          subject: job.id,
          data: { status: 'preempted', reason },
        });
      }
      return next;
    });
    if (moved) {
      stopped++;
      ctx.onJobChange?.(job.id, jobMove(moved));
    }
  }
  return stopped;
}

function offeringOf(placement: unknown): string | undefined {
  const offering = (placement as { decision?: { offering?: unknown } } | null)?.decision?.offering;
  return typeof offering === 'string' ? offering : undefined;
}
