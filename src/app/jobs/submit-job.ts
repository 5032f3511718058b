import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';
import { readJobSpecText } from './read-job-spec.js';

export const DEFAULT_PROJECT = 'default';

export interface SubmitRequest {
  /** The body as sent: YAML or JSON text (positions in errors refer to it). */
  readonly text: string;
  readonly idempotencyKey: string | undefined;
}

export interface SubmitResult {
  readonly job: JobRecord;
  /** False when the same key and body were submitted before: the same job is returned. */
  readonly created: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Validates a spec and stores it as a job of the caller's tenant, placed at once when the
 * reconciler's live view allows (`LivePlacement`: placed, unplaceable, or queued with the reason
 * its budget holds it), else queued for the reconciler; in one
 * transaction with its first events and audit entries; answers once that transaction has
 * committed. The Idempotency-Key makes retries safe: same key and body → same job.
 */
export async function submitJob(
  ctx: AppContext,
  principal: Principal,
  request: SubmitRequest,
): Promise<SubmitResult> {
  requireAllowed(principal, 'job.submit');
  const tenantId = requireTenant(principal);
  const key = request.idempotencyKey;
  if (key === undefined || !IDEMPOTENCY_KEY.test(key)) {
    throw new UsineError(
      'USINE_IDEMPOTENCY_KEY_REQUIRED',
      'send an Idempotency-Key header (1–200 visible ASCII characters, e.g. a UUID) so a retry never submits twice',
    );
  }
  const { spec, document } = readJobSpecText(request.text);
  const project = spec.project ?? principal.project ?? DEFAULT_PROJECT;
  if (principal.project !== null && project !== principal.project) {
    throw new UsineError('USINE_FORBIDDEN', `this key may submit to project ${principal.project} only`, [
      { path: 'metadata.project', message: `must be ${principal.project} for this key` },
    ]);
  }
  const requestHash = createHash('sha256').update(canonicalJson(document)).digest('hex');
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
    idempotencyKey: key,
    requestHash,
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
        actor: `key:${principal.keyId}`,
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
  if (outcome.outcome === 'conflict') {
    throw new UsineError(
      'USINE_IDEMPOTENCY_CONFLICT',
      `the Idempotency-Key ${key} was already used with another body; use a new key for a new job`,
    );
  }
  const result = { job: outcome.job, created: outcome.outcome === 'created' };
  if (result.created) ctx.onJobChange?.(result.job.id);
  return result;
}
