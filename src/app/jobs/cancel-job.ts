import { holdsAllocation, isCancellable } from '../../domain/jobs/lifecycle.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';
import { getJob } from './query-jobs.js';

/**
 * Cancels a job that has not finished: a queued one at once, a running one by asking its
 * executor to stop it (SIGTERM, then SIGKILL after the grace period on local).
 */
export async function cancelJob(ctx: AppContext, principal: Principal, id: string): Promise<JobRecord> {
  requireAllowed(principal, 'job.cancel');
  const job = await getJob(ctx, principal, id);
  if (!isCancellable(job.status)) {
    throw new UsineError('USINE_CONFLICT', `job ${id} is ${job.status}: there is nothing left to cancel`);
  }
  if (holdsAllocation(job.status) && job.handle && job.site) {
    await ctx.executors.get(job.site)?.cancel(job.handle);
  }
  const at = ctx.clock.now().toISOString();
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.transitionJob(id, {
      from: job.status,
      to: 'cancelled',
      at,
      reason: `cancelled by key ${principal.keyId}`,
      finishedAt: at,
    });
    if (!next) return undefined;
    await tx.appendJobEvent(id, at, 'status', { status: 'cancelled', from: job.status });
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: job.tenantId,
      action: 'job.cancel',
      subject: id,
      data: { from: job.status },
    });
    return next;
  });
  if (!updated) {
    // it moved meanwhile (started or finished): answer with its state now
    const now = await getJob(ctx, principal, id);
    if (!isCancellable(now.status)) {
      throw new UsineError('USINE_CONFLICT', `job ${id} is ${now.status}: there is nothing left to cancel`);
    }
    return cancelJob(ctx, principal, id);
  }
  ctx.onJobChange?.(id);
  return updated;
}
