import { requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { ApiKeyRecord } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';
import { toKeyView, type KeyView } from './key-view.js';

/**
 * Revokes a key: refused by every replica within KEY_CACHE_MS of this returning (see
 * authenticate.ts). Revoking a revoked key changes nothing and answers the same. The admin key
 * cannot be revoked (the operator would be locked out): rotate it instead.
 */
export async function revokeApiKey(ctx: AppContext, principal: Principal, keyId: string): Promise<KeyView> {
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    const key = await findManagedKey(tx, principal, 'key.revoke', keyId);
    if (key.role === 'admin') {
      throw new UsineError(
        'USINE_CONFLICT',
        'the admin key cannot be revoked: rotate it (usine keys rotate)',
      );
    }
    if (!(await tx.revokeApiKey(key.id, at))) return toKeyView(key);
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: key.tenantId,
      action: 'key.revoke',
      subject: key.id,
      data: { role: key.role },
    });
    return toKeyView({ ...key, revokedAt: at });
  });
}

/** The key `keyId` if the principal may manage it; 404 when it is unknown or not its tenant's. */
export async function findManagedKey(
  tx: StoreTx,
  principal: Principal,
  action: 'key.revoke' | 'key.read',
  keyId: string,
): Promise<ApiKeyRecord> {
  requireAllowed(principal, action);
  const key = await tx.getApiKey(keyId);
  // another tenant's key, or an operator's key asked by a tenant: as if it did not exist
  if (
    !key ||
    (principal.role !== 'admin' && (key.tenantId === null || key.tenantId !== principal.tenantId))
  ) {
    throw new UsineError('USINE_NOT_FOUND', `no key ${keyId}`);
  }
  return key;
}
