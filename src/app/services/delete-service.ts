import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { stopJob } from '../jobs/stop-job.js';
import type { ServiceRecord } from '../ports/service-store.js';
import { findService } from './query-services.js';

/** Deletes a service: the gateway stops routing to it, its replicas are stopped, its name is free. */
export async function deleteService(
  ctx: AppContext,
  principal: Principal,
  name: string,
): Promise<ServiceRecord> {
  const service = await findService(ctx, principal, name, 'service.write');
  const at = ctx.clock.now().toISOString();
  const deleted = await ctx.store.transaction(async (tx) => {
    const next = await tx.deleteService(service.id, at);
    if (!next) return undefined;
    await tx.appendServiceEvent(service.id, at, 'deleted', { by: `key:${principal.keyId}` });
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: service.tenantId,
      action: 'service.delete',
      subject: service.id,
      data: { name },
    });
    return next;
  });
  if (!deleted) throw new UsineError('USINE_NOT_FOUND', `no service ${name}`);
  const replicas = await ctx.store.read((tx) => tx.listLiveReplicas(service.id));
  for (const replica of replicas) ctx.traffic?.drain(replica.id);
  for (const replica of replicas) {
    await stopJob(ctx, replica, { actor: `key:${principal.keyId}`, reason: `service ${name} deleted` });
  }
  return deleted;
}
