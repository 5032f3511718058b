import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';
import { commitSubmission } from './commit-submission.js';
import { readJobSpecText } from './read-job-spec.js';
import { requireIdempotencyKey } from './require-idempotency-key.js';

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

/**
 * Validates a spec and stores it as a job of the caller's tenant (`commitSubmission`: placed at
 * once when the live view allows, else queued); answers once that transaction has committed.
 * The Idempotency-Key makes retries safe: same key and body → same job.
 */
export async function submitJob(
  ctx: AppContext,
  principal: Principal,
  request: SubmitRequest,
): Promise<SubmitResult> {
  requireAllowed(principal, 'job.submit');
  const tenantId = requireTenant(principal);
  const key = requireIdempotencyKey(request.idempotencyKey);
  const { spec, document } = readJobSpecText(request.text);
  const project = resolveProject(principal, spec.project);
  const outcome = await commitSubmission(ctx, {
    tenantId,
    project,
    actor: `key:${principal.keyId}`,
    spec,
    document,
    idempotencyKey: key,
  });
  if (outcome.outcome === 'conflict') {
    throw new UsineError(
      'USINE_IDEMPOTENCY_CONFLICT',
      `the Idempotency-Key ${key} was already used with another body; use a new key for a new job`,
    );
  }
  return { job: outcome.job, created: outcome.outcome === 'created' };
}

/** The project a spec goes to: its own, else the key's, else `default`; a member key's only. */
export function resolveProject(principal: Principal, written: string | undefined): string {
  const project = written ?? principal.project ?? DEFAULT_PROJECT;
  if (principal.project !== null && project !== principal.project) {
    throw new UsineError('USINE_FORBIDDEN', `this key may submit to project ${principal.project} only`, [
      { path: 'metadata.project', message: `must be ${principal.project} for this key` },
    ]);
  }
  return project;
}
