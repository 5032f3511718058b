import { ORIGIN_JOB_LABEL, RETRY_OF_LABEL } from '../../domain/jobs/labels.js';
import type { JobRecord } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';

/**
 * Queues a preempted job again, as a new job `id`, with the same spec, tenant, project, name
 * and labels (plus `usine.dev/retry-of: <victim>`): the preempted one keeps its run, its logs
 * and its usage, and each executor still runs a job id once (which is what makes launches never
 * run twice). In the preemption's transaction; one retry per preempted job.
 */
export async function requeuePreempted(tx: StoreTx, victim: JobRecord, id: string, at: Date): Promise<void> {
  const when = at.toISOString();
  await tx.createJob({
    id,
    tenantId: victim.tenantId,
    project: victim.project,
    name: victim.name,
    kind: victim.kind,
    labels: { ...victim.labels, [RETRY_OF_LABEL]: victim.id },
    document: victim.document,
    // one retry per preempted job, whoever retries it
    idempotencyKey: `retry-of:${victim.id}`,
    requestHash: `retry-of:${victim.id}`,
    at: when,
    events: [{ type: 'status', data: { status: 'queued', retryOf: victim.id } }],
    audits: [
      {
        at: when,
        actor: 'reconciler',
        tenantId: victim.tenantId,
        action: 'job.requeue',
        subject: id,
        data: { retryOf: victim.id },
      },
    ],
  });
}

/** Whether a preempted job is queued again here: not one a peer Usine sent (its origin decides). */
export function isRequeued(victim: JobRecord): boolean {
  return victim.labels[ORIGIN_JOB_LABEL] === undefined;
}
