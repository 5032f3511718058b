/**
 * A job's states (see README.md beside this file for the diagram):
 * queued → placed → admitted → running → succeeded | failed | cancelled | preempted,
 * and unplaceable when no site can take it. The last five are final.
 */
export const JOB_STATUSES = [
  'queued',
  'placed',
  'admitted',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'preempted',
  'unplaceable',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  queued: ['placed', 'unplaceable', 'cancelled'],
  // placed → placed: placed again when it waited past its wait bound (ADR 0008)
  placed: ['admitted', 'placed', 'unplaceable', 'queued', 'cancelled', 'failed'],
  admitted: ['running', 'queued', 'cancelled', 'failed', 'preempted'],
  running: ['succeeded', 'failed', 'cancelled', 'preempted'],
  // final: nothing moves them again; a new submission (a new Idempotency-Key) retries
  preempted: [],
  unplaceable: [],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Terminal states: nothing happens to the job any more. */
export function isFinished(status: JobStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** States in which the job holds an allocation on a site. */
export function holdsAllocation(status: JobStatus): boolean {
  return status === 'admitted' || status === 'running';
}

/** States a user may cancel from. */
export function isCancellable(status: JobStatus): boolean {
  return canTransition(status, 'cancelled');
}
