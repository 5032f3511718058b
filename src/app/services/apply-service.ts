import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import { hashDocument } from '../jobs/commit-submission.js';
import { readJobSpecText } from '../jobs/read-job-spec.js';
import type { ServiceRecord } from '../ports/service-store.js';
import { findService } from './query-services.js';
import { serveService } from './serve-service.js';

/**
 * `usine apply`: serves the spec if no service has its name, else makes it the service's next
 * revision, which the controller rolls out replica by replica (rollback when the new revision's
 * replicas fail before they are ready). The same spec again changes nothing.
 */
export async function applyService(
  ctx: AppContext,
  principal: Principal,
  name: string,
  request: { readonly text: string; readonly idempotencyKey: string | undefined },
): Promise<{ service: ServiceRecord; outcome: 'created' | 'revised' | 'unchanged' }> {
  requireAllowed(principal, 'service.write');
  requireTenant(principal);
  const existing = await findService(ctx, principal, name, 'service.write').catch((error: unknown) => {
    if (error instanceof UsineError && error.code === 'USINE_NOT_FOUND') return undefined;
    throw error;
  });
  const { spec, document } = readJobSpecText(request.text);
  if (spec.name !== name) {
    // a path that names no service of the caller's is a 404, whatever the body says
    if (!existing)
      throw new UsineError('USINE_NOT_FOUND', `no service ${name} (the spec names ${spec.name})`);
    throw new UsineError('USINE_INVALID_SPEC', `the spec is named ${spec.name}, the path ${name}`, [
      { path: 'metadata.name', message: `must be ${name}` },
    ]);
  }
  if (!existing) {
    const { service } = await serveService(ctx, principal, request);
    return { service, outcome: 'created' };
  }
  if (spec.kind !== 'Service') {
    throw new UsineError('USINE_INVALID_SPEC', 'apply takes a Service (kind: Service)', [
      { path: 'kind', message: 'must be Service' },
    ]);
  }
  if ((spec.project ?? existing.project) !== existing.project) {
    throw new UsineError('USINE_CONFLICT', `service ${name} belongs to project ${existing.project}`);
  }
  const requestHash = hashDocument(document);
  if (requestHash === existing.requestHash) return { service: existing, outcome: 'unchanged' };
  const at = ctx.clock.now().toISOString();
  const revised = await ctx.store.transaction(async (tx) => {
    const next = await tx.reviseService(existing.id, document, requestHash, at);
    if (!next) return undefined;
    await tx.appendServiceEvent(existing.id, at, 'revised', {
      from: existing.revision,
      to: next.revision,
      by: `key:${principal.keyId}`,
    });
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: existing.tenantId,
      action: 'service.revise',
      subject: existing.id,
      data: { name, from: existing.revision, to: next.revision },
    });
    return next;
  });
  if (!revised) throw new UsineError('USINE_NOT_FOUND', `no service ${name}`);
  return { service: revised, outcome: 'revised' };
}
