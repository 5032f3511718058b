import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { ServiceRecord } from '../ports/service-store.js';
import { findService } from './query-services.js';

/**
 * Sets how many replicas a service wants, within 0 and its spec's replicas.max; the controller
 * starts or stops replicas to match. With autoscaling on, the autoscaler moves it again from the
 * traffic it sees.
 */
export async function scaleService(
  ctx: AppContext,
  principal: Principal,
  name: string,
  replicas: number,
): Promise<ServiceRecord> {
  const service = await findService(ctx, principal, name, 'service.write');
  const max =
    readStoredSpec(`${service.id}@${service.revision}`, service.document).service?.replicas.max ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > max) {
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      `replicas: must be a whole number from 0 to ${max} (spec.replicas.max)`,
      [{ path: 'replicas', message: `must be from 0 to ${max}` }],
    );
  }
  const at = ctx.clock.now().toISOString();
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.setDesiredReplicas(service.id, replicas, at);
    if (!next) return undefined;
    await tx.appendServiceEvent(service.id, at, 'scaled', {
      from: service.desiredReplicas,
      to: replicas,
      by: `key:${principal.keyId}`,
    });
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: service.tenantId,
      action: 'service.scale',
      subject: service.id,
      data: { from: service.desiredReplicas, to: replicas },
    });
    return next;
  });
  if (!updated) throw new UsineError('USINE_NOT_FOUND', `no service ${name}`);
  return updated;
}
