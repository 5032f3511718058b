import type { FastifyBaseLogger } from 'fastify';
import { isWorthAWarning, type JobMove } from '../app/jobs/job-move.js';

/**
 * The operator's line for a job's change of status: `job <id> <status>` with its tenant,
 * site, reason and exit code as fields; at `warn` when the job did not run to its end. A
 * request's logger adds its `requestId` (submissions and cancellations), the reconciler's none.
 */
export function logJobMove(log: FastifyBaseLogger, jobId: string, move: JobMove): void {
  const line = { jobId, ...move };
  const message = `job ${jobId} ${move.status}${move.site ? ` on ${move.site}` : ''}${move.reason ? `: ${move.reason}` : ''}`;
  if (isWorthAWarning(move)) log.warn(line, message);
  else log.info(line, message);
}
