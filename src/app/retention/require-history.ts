import { UsineError } from '../errors.js';
import type { JobRecord } from '../ports/records.js';

/** A job's events and logs can be read until retention took them; after that, a 410 that says when. */
export function requireHistory(job: JobRecord, what: 'events' | 'logs'): void {
  if (job.prunedAt === null) return;
  throw new UsineError(
    'USINE_JOB_PRUNED',
    `job ${job.id} ended ${job.updatedAt}; its ${what} were pruned ${job.prunedAt} by retention (its state, placement, usage and audit entries are kept)`,
  );
}
