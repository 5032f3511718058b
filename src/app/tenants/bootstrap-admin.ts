import type { AppContext } from '../context.js';
import type { StoreTx } from '../ports/store.js';
import { hashSecret } from '../auth/hash-secret.js';

/**
 * Creates one key of the operator's (no tenant: `admin`, or a site credential of the system's own)
 * in `tx`, with its audit entry; returns its id and secret.
 */
export async function createOperatorKey(
  ctx: Pick<AppContext, 'ids'>,
  tx: StoreTx,
  at: string,
  key: { readonly role: 'admin' | 'agent'; readonly site: string | null },
  why: Readonly<Record<string, string | null>> = {},
): Promise<{ id: string; secret: string }> {
  const secret = ctx.ids.newSecret();
  const id = ctx.ids.newId('key');
  await tx.createApiKey({
    id,
    tenantId: null,
    role: key.role,
    project: null,
    site: key.site,
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
    data: { role: key.role, ...why },
  });
  return { id, secret };
}

/** Creates one admin key in `tx`, with its audit entry; returns its id and secret. */
export function createAdminKey(
  ctx: Pick<AppContext, 'ids'>,
  tx: StoreTx,
  at: string,
  why: Readonly<Record<string, string>> = {},
): Promise<{ id: string; secret: string }> {
  return createOperatorKey(ctx, tx, at, { role: 'admin', site: null }, why);
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
