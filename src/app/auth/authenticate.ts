import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { hashSecret } from './hash-secret.js';
import type { Principal } from './principal.js';

/** `Authorization: Bearer <key>` → the key's principal; 401 when missing, unknown or revoked. */
export async function authenticate(ctx: AppContext, authorization: string | undefined): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    throw new UsineError('USINE_UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>"');
  }
  const hash = hashSecret(match[1]);
  // every request comes here: one statement, no BEGIN and COMMIT round trips around it
  const key = await ctx.store.read((tx) => tx.findApiKeyByHash(hash));
  if (!key || key.revokedAt !== null)
    throw new UsineError('USINE_UNAUTHENTICATED', 'unknown or revoked API key');
  return { keyId: key.id, role: key.role, tenantId: key.tenantId, project: key.project };
}
