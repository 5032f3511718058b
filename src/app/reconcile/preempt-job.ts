import type { AppContext } from '../context.js';
import { jobMove } from '../jobs/job-move.js';
import type { JobRecord } from '../ports/records.js';
import { recordTransition } from './record-transition.js';
import { isRequeued, requeuePreempted } from './requeue-preempted.js';

/**
 * Stops a job the site scheduler preempted: cancelled through its executor when it runs, then
 * moved to `preempted` with `reason`, an event and an audit entry, and queued again as a new
 * job (`requeuePreempted`). True when its GPUs are free
 * (stopped, or it ended meanwhile); false when the executor could not stop it, so nothing may be
 * started on its GPUs this pass.
 */
export async function preemptJob(
  ctx: AppContext,
  victim: JobRecord,
  reason: string,
  by: string,
  at: Date,
): Promise<boolean> {
  if (victim.status === 'running') {
    const executor = victim.site ? ctx.executors.get(victim.site) : undefined;
    if (!executor || !victim.handle) return false;
    try {
      await executor.cancel(victim.handle);
    } catch {
      return false;
    }
  }
  const moved = await ctx.store.transaction(async (tx) => {
    // a job a peer sent is not requeued here: its origin hears it was preempted and decides
    const retry = isRequeued(victim) ? ctx.ids.newId('job') : undefined;
    const next = await tx.transitionJob(victim.id, {
      from: victim.status,
      to: 'preempted',
      at: at.toISOString(),
      reason: retry ? `${reason}; requeued as job ${retry}` : reason,
      finishedAt: at.toISOString(),
    });
    if (!next) return next;
    if (retry) await requeuePreempted(tx, victim, retry, at);
    await recordTransition(
      tx,
      victim,
      at,
      'preempted',
      { reason, by, ...(retry ? { retry } : {}) },
      'job.preempt',
    );
    return next;
  });
  if (moved) ctx.onJobChange?.(victim.id, jobMove(moved));
  return true;
}
