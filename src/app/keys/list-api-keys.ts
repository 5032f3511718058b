import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireKeyScope } from './key-scope.js';
import { toKeyView, type KeyView } from './key-view.js';

/**
 * The keys of a tenant, or (tenantId null) the operator's own: admin and site credentials.
 * Never a secret nor its hash. Revoked and expired keys are listed too, with when.
 */
export async function listApiKeys(
  ctx: AppContext,
  principal: Principal,
  tenantId: string | null,
): Promise<{ items: KeyView[] }> {
  requireKeyScope(principal, 'key.read', tenantId);
  return ctx.store.transaction(async (tx) => {
    if (tenantId !== null && !(await tx.getTenant(tenantId))) {
      throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
    }
    return { items: (await tx.listApiKeys(tenantId)).map(toKeyView) };
  });
}
