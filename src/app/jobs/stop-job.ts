import { holdsAllocation } from '../../domain/jobs/lifecycle.js';
import type { AppContext } from '../context.js';
import type { JobRecord } from '../ports/records.js';

/**
 * Moves a job that has not finished to `cancelled` (or `failed`, a replica that failed its
 * liveness probe), asking its executor to stop it first when it
 * holds an allocation, with its event and audit entry. Undefined when the job moved meanwhile.
 * A user's cancel and the service controller's stop of a replica both end here.
 */
export async function stopJob(
  ctx: AppContext,
  job: JobRecord,
  by: { readonly actor: string; readonly reason: string; readonly to?: 'cancelled' | 'failed' },
): Promise<JobRecord | undefined> {
  const to = by.to ?? 'cancelled';
  if (holdsAllocation(job.status) && job.handle && job.site) {
    await ctx.executors.get(job.site)?.cancel(job.handle);
  }
  const at = ctx.clock.now().toISOString();
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.transitionJob(job.id, {
      from: job.status,
      to,
      at,
      reason: by.reason,
      finishedAt: at,
    });
    if (!next) return undefined;
    await tx.appendJobEvent(job.id, at, 'status', { status: to, from: job.status, reason: by.reason });
    await tx.appendAudit({
      at,
      actor: by.actor,
      tenantId: job.tenantId,
      action: to === 'cancelled' ? 'job.cancel' : 'job.fail',
      subject: job.id,
      data: { from: job.status, ...(to === 'failed' ? { reason: by.reason } : {}) },
    });
    return next;
  });
  if (updated) ctx.onJobChange?.(job.id);
  return updated;
}
