import type { AppContext } from '../context.js';
import { createAdminKey } from './bootstrap-admin.js';

export interface AdminKeyReset {
  readonly secret: string;
  readonly keyId: string;
  /** The admin keys revoked (every one that was live). */
  readonly revoked: readonly string[];
}

/**
 * For whoever holds the data dir and lost the admin key (or cannot read it): revokes every live
 * admin key and creates a new one, in one transaction, each step an audit entry.
 */
export async function resetAdminKey(
  ctx: Pick<AppContext, 'store' | 'clock' | 'ids'>,
  by: string,
): Promise<AdminKeyReset> {
  return ctx.store.transaction(async (tx) => {
    const at = ctx.clock.now().toISOString();
    const live = (await tx.listApiKeys(null)).filter((k) => k.role === 'admin' && k.revokedAt === null);
    const revoked: string[] = [];
    for (const key of live) {
      if (!(await tx.revokeApiKey(key.id, at))) continue;
      revoked.push(key.id);
      await tx.appendAudit({
        at,
        actor: 'system',
        tenantId: null,
        action: 'key.revoke',
        subject: key.id,
        data: { role: 'admin', by },
      });
    }
    const { id, secret } = await createAdminKey(ctx, tx, at, { by });
    return { secret, keyId: id, revoked };
  });
}
