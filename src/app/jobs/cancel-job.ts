import { isCancellable } from '../../domain/jobs/lifecycle.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';
import { getJob } from './query-jobs.js';
import { stopJob } from './stop-job.js';

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
  const updated = await stopJob(ctx, job, {
    actor: `key:${principal.keyId}`,
    reason: `cancelled by key ${principal.keyId}`,
  });
  if (!updated) {
    // it moved meanwhile (started or finished): answer with its state now
    const now = await getJob(ctx, principal, id);
    if (!isCancellable(now.status)) {
      throw new UsineError('USINE_CONFLICT', `job ${id} is ${now.status}: there is nothing left to cancel`);
    }
    return cancelJob(ctx, principal, id);
  }
  return updated;
}
