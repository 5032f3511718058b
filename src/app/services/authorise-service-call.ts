import { UsineError } from '../errors.js';
import { isAllowed, type Principal } from '../auth/principal.js';
import type { ServiceRecord } from '../ports/service-store.js';

/**
 * May this key call the service through the gateway? A key of the service's own tenant whose
 * role may call services (and a member key of its project only); anything else is a 403 that
 * names no other tenant's data.
 */
export function authoriseServiceCall(principal: Principal, service: ServiceRecord): void {
  const sameTenant = principal.tenantId === service.tenantId;
  const sameProject = principal.project === null || principal.project === service.project;
  if (!isAllowed(principal, 'service.call') || !sameTenant || !sameProject) {
    throw new UsineError('USINE_FORBIDDEN', `this key may not call service ${service.name}`);
  }
}
