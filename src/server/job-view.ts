import type { JobRecord } from '../app/ports/records.js';
import { parseWaitReason } from '../domain/scheduling/wait-reason.js';

/** A job as the API shows it: its state, why, where, what it waits for, and the spec as submitted. */
export function toJobView(job: JobRecord) {
  return {
    id: job.id,
    name: job.name,
    kind: job.kind,
    tenantId: job.tenantId,
    project: job.project,
    labels: job.labels,
    status: job.status,
    reason: job.reason,
    waiting: job.status === 'queued' || job.status === 'placed' ? parseWaitReason(job.reason) : null,
    site: job.site,
    placement: job.placement ?? null,
    allocation: job.allocation,
    exitCode: job.exitCode,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    prunedAt: job.prunedAt,
    spec: job.document,
  };
}
