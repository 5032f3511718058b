import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import type { AppContext } from '../context.js';
import type { CreateJobResult } from '../ports/store.js';

export interface Submission {
  readonly tenantId: string;
  readonly project: string;
  /** Who submits, as the audit names it: `key:<id>`, or `service:<id>` for a replica. */
  readonly actor: string;
  readonly spec: JobSpec;
  readonly document: unknown;
  readonly idempotencyKey: string;
}

/** sha256 of a document's canonical JSON: the same body twice hashes the same. */
export function hashDocument(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

/**
 * Stores a validated spec as a job, placed at once when the reconciler's live view allows
 * (`LivePlacement`), else queued; in one transaction with its first events and audit entries.
 * A user's submission and a service's replica both come through here.
 */
export async function commitSubmission(ctx: AppContext, submission: Submission): Promise<CreateJobResult> {
  const { tenantId, project, spec, document } = submission;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const id = ctx.ids.newId('job');
  const placed = await ctx.livePlacement?.decide(ctx, tenantId, spec, project, now);
  // committed in one transaction with the submissions that arrive meanwhile (group commit)
  const outcome = await ctx.store.commitJob({
    id,
    tenantId,
    project,
    name: spec.name,
    kind: spec.kind,
    labels: spec.labels,
    document,
    idempotencyKey: submission.idempotencyKey,
    requestHash: hashDocument(document),
    at,
    events: [
      { type: 'status', data: { status: 'queued' } },
      ...(placed && placed.to !== 'queued'
        ? [{ type: 'status', data: { status: placed.to, ...placed.summary } }]
        : []),
    ],
    audits: [
      {
        at,
        actor: submission.actor,
        tenantId,
        action: 'job.submit',
        subject: id,
        data: { name: spec.name, project, kind: spec.kind },
      },
      ...(placed
        ? [
            {
              at,
              actor: 'placement',
              tenantId,
              action: 'job.place',
              subject: id,
              data: { status: placed.to, ...placed.summary },
            },
          ]
        : []),
    ],
    ...(placed
      ? { placement: { status: placed.to, site: placed.site, view: placed.view, reason: placed.reason } }
      : {}),
  });
  if (outcome.outcome === 'created') ctx.onJobChange?.(outcome.job.id);
  return outcome;
}
