import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import type { AppContext } from '../context.js';
import type { JobRecord } from '../ports/records.js';

/** A job's change of status, told after it was committed (for the operator's log). */
export interface JobMove {
  readonly tenantId: string;
  readonly status: JobStatus;
  /** The site it is placed on or ran on; null before placement or when none fits. */
  readonly site: string | null;
  readonly reason?: string | undefined;
  readonly exitCode?: number | undefined;
}

/** Statuses an operator should look at: the job did not run, or did not run to its end (a lost job is failed, its reason says lost). */
const WORTH_A_WARNING: ReadonlySet<JobStatus> = new Set(['failed', 'preempted', 'unplaceable']);

export function isWorthAWarning(move: JobMove): boolean {
  return WORTH_A_WARNING.has(move.status);
}

/** The move a job's record shows after its transition. */
export function jobMove(record: JobRecord): JobMove {
  return {
    tenantId: record.tenantId,
    status: record.status,
    site: record.site,
    ...(record.reason !== null ? { reason: record.reason } : {}),
    ...(record.exitCode !== null ? { exitCode: record.exitCode } : {}),
  };
}

/** What one transaction changed: each job once, with its move when its status changed. */
export class JobChanges {
  private readonly changes = new Map<string, JobMove | undefined>();

  moved(record: JobRecord): void {
    this.changes.set(record.id, jobMove(record));
  }

  /** A change that is not a move (a new wait reason, an event). */
  touched(jobId: string): void {
    if (!this.changes.has(jobId)) this.changes.set(jobId, undefined);
  }

  /** After the commit: wakes the job's streams and tells the operator's log. */
  tell(ctx: AppContext): void {
    this.changes.forEach((move, id) => ctx.onJobChange?.(id, move));
  }
}
