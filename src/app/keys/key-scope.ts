import { requireAllowed, type Action, type Principal } from '../auth/principal.js';
import { UsineError } from '../errors.js';

/**
 * Throws unless the principal may do `action` on the keys of `tenantId` (null: the operator's
 * own keys, admin and site credentials, which only the admin key manages). Another tenant's
 * keys answer 404, as if they did not exist.
 */
export function requireKeyScope(principal: Principal, action: Action, tenantId: string | null): void {
  requireAllowed(principal, action);
  if (principal.role === 'admin') return;
  if (tenantId === null) {
    throw new UsineError('USINE_FORBIDDEN', `the operator's keys are managed with the admin key only`);
  }
  if (principal.tenantId !== tenantId) throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
}
