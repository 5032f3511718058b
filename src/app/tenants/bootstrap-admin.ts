import type { AppContext } from '../context.js';
import type { StoreTx } from '../ports/store.js';
import { hashSecret } from '../auth/hash-secret.js';

/** Creates one admin key in `tx`, with its audit entry; returns its id and secret. */
export async function createAdminKey(
  ctx: Pick<AppContext, 'ids'>,
  tx: StoreTx,
  at: string,
  why: Readonly<Record<string, string>> = {},
): Promise<{ id: string; secret: string }> {
  const secret = ctx.ids.newSecret();
  const id = ctx.ids.newId('key');
  await tx.createApiKey({
    id,
    tenantId: null,
    role: 'admin',
    project: null,
    site: null,
    secretHash: hashSecret(secret),
    createdAt: at,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
  });
  await tx.appendAudit({
    at,
    actor: 'system',
    tenantId: null,
    action: 'key.create',
    subject: id,
    data: { role: 'admin', ...why },
  });
  return { id, secret };
}

/**
 * On first start, creates the operator's admin key and returns its secret (to be written to
 * DATA_DIR/admin.key and printed once); undefined when an admin key already exists.
 */
export async function bootstrapAdminKey(ctx: AppContext): Promise<string | undefined> {
  return ctx.store.transaction(async (tx) => {
    if ((await tx.countApiKeys('admin')) > 0) return undefined;
    return (await createAdminKey(ctx, tx, ctx.clock.now().toISOString())).secret;
  });
}
