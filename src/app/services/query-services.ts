import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, requireTenant, type Action, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';
import type { ServiceEventRecord, ServiceRecord, TokenTotals } from '../ports/service-store.js';

/** A service of the caller's tenant (and project, for a member key); 404 otherwise, never 403. */
export async function findService(
  ctx: AppContext,
  principal: Principal,
  name: string,
  action: Action = 'service.read',
): Promise<ServiceRecord> {
  requireAllowed(principal, action);
  const tenantId = requireTenant(principal);
  const service = await ctx.store.read((tx) => tx.getService(tenantId, name));
  if (!service || (principal.project !== null && service.project !== principal.project)) {
    throw new UsineError('USINE_NOT_FOUND', `no service ${name}`);
  }
  return service;
}

export interface ServiceDetail {
  readonly service: ServiceRecord;
  readonly replicas: readonly JobRecord[];
  readonly events: readonly ServiceEventRecord[];
  /** The tokens every gateway metered, per calling key. */
  readonly tokens: readonly TokenTotals[];
}

/** A service with its live replicas and its latest events. */
export async function getServiceDetail(
  ctx: AppContext,
  principal: Principal,
  name: string,
): Promise<ServiceDetail> {
  const service = await findService(ctx, principal, name);
  return ctx.store.read(async (tx) => ({
    service,
    replicas: await tx.listLiveReplicas(service.id),
    events: await tx.listServiceEvents(service.id, 20),
    tokens: await tx.sumTokenUsage(service.id),
  }));
}

/** The tenant's live services (a member key's project only), with their live replicas. */
export async function listServiceDetails(ctx: AppContext, principal: Principal): Promise<ServiceDetail[]> {
  requireAllowed(principal, 'service.read');
  const tenantId = requireTenant(principal);
  return ctx.store.read(async (tx) => {
    const services = await tx.listServices(tenantId, principal.project ?? undefined);
    return Promise.all(
      services.map(async (service) => ({
        service,
        replicas: await tx.listLiveReplicas(service.id),
        events: [],
        tokens: await tx.sumTokenUsage(service.id),
      })),
    );
  });
}
