import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import type { JobRecord } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';

const ACTOR = 'reconciler';

/**
 * Moves a job to `failed` with its reason, event and audit entry; returns its record, or
 * undefined when it moved meanwhile (nothing written).
 */
export async function failJob(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  reason: string,
  from: JobStatus = 'placed',
): Promise<JobRecord | undefined> {
  const next = await tx.transitionJob(job.id, {
    from,
    to: 'failed',
    at: at.toISOString(),
    reason,
    finishedAt: at.toISOString(),
  });
  if (next) await recordTransition(tx, job, at, 'failed', { reason }, 'job.fail');
  return next;
}

/** Appends a status change's job event and audit entry, in the transition's transaction. */
export async function recordTransition(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  status: JobStatus,
  data: Record<string, unknown>,
  action: string,
): Promise<void> {
  await tx.appendJobEvent(job.id, at.toISOString(), 'status', { status, ...data });
  await tx.appendAudit({
    at: at.toISOString(),
    actor: ACTOR,
    tenantId: job.tenantId,
    action,
    subject: job.id,
    data: { status, ...data },
  });
}
