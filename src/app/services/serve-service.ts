import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import { hashDocument } from '../jobs/commit-submission.js';
import { readJobSpecText } from '../jobs/read-job-spec.js';
import { requireIdempotencyKey } from '../jobs/require-idempotency-key.js';
import { resolveProject } from '../jobs/submit-job.js';
import type { ServiceRecord } from '../ports/service-store.js';
import { initialReplicas } from './initial-replicas.js';

export interface ServeRequest {
  /** The body as sent: a Service spec as YAML or JSON text. */
  readonly text: string;
  readonly idempotencyKey: string | undefined;
}

/**
 * Creates a Service of the caller's tenant: its first revision, with the replicas it starts
 * with (the controller submits them as jobs). Idempotent by name: the same spec again answers
 * the same service (`created: false`); another spec under a live name is a 409 that points at
 * `usine apply`, which rolls out a new revision.
 */
export async function serveService(
  ctx: AppContext,
  principal: Principal,
  request: ServeRequest,
): Promise<{ service: ServiceRecord; created: boolean }> {
  requireAllowed(principal, 'service.write');
  const tenantId = requireTenant(principal);
  requireIdempotencyKey(request.idempotencyKey);
  const { spec, document } = readJobSpecText(request.text);
  if (spec.kind !== 'Service' || spec.service === undefined) {
    throw new UsineError(
      'USINE_INVALID_SPEC',
      'this is a Job: serve takes a Service (kind: Service); submit a Job with `usine submit`',
      [{ path: 'kind', message: 'must be Service' }],
    );
  }
  const project = resolveProject(principal, spec.project);
  const at = ctx.clock.now().toISOString();
  const requestHash = hashDocument(document);
  const desired = initialReplicas(spec.service);
  const result = await ctx.store.transaction(async (tx) => {
    const outcome = await tx.createService({
      id: ctx.ids.newId('svc'),
      tenantId,
      project,
      name: spec.name,
      revision: 1,
      document,
      requestHash,
      desiredReplicas: desired,
      state: 'active',
      createdAt: at,
      updatedAt: at,
    });
    if (outcome.outcome === 'created') {
      await tx.appendServiceEvent(outcome.service.id, at, 'created', {
        revision: 1,
        replicas: desired,
        by: `key:${principal.keyId}`,
      });
      await tx.appendAudit({
        at,
        actor: `key:${principal.keyId}`,
        tenantId,
        action: 'service.create',
        subject: outcome.service.id,
        data: { name: spec.name, project, replicas: desired },
      });
    }
    return outcome;
  });
  if (result.outcome === 'exists' && result.service.requestHash !== requestHash) {
    throw new UsineError(
      'USINE_CONFLICT',
      `service ${spec.name} already runs another spec (revision ${result.service.revision}): \`usine apply\` rolls out a new revision`,
    );
  }
  return { service: result.service, created: result.outcome === 'created' };
}
