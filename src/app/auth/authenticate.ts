import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { hashSecret } from './hash-secret.js';
import type { Principal } from './principal.js';

/** How long a key, once looked up, is trusted without asking the store again. */
export const KEY_CACHE_SECONDS = 5;
const MAX_CACHED_KEYS = 10_000;

export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

/**
 * `Authorization: Bearer <key>` → the key's principal; 401 when missing, unknown or revoked.
 * Every request comes here, so a known key is remembered for KEY_CACHE_SECONDS: a revoked
 * key stops working within that delay. Unknown keys are never remembered.
 */
export function createAuthenticator(ctx: AppContext): Authenticate {
  const cache = new Map<string, { principal: Principal; until: number }>();
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new UsineError('USINE_UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>"');
    }
    const hash = hashSecret(match[1]);
    const now = ctx.clock.now().getTime();
    const cached = cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    // one statement, no BEGIN and COMMIT round trips around it
    const key = await ctx.store.read((tx) => tx.findApiKeyByHash(hash));
    if (!key || key.revokedAt !== null) {
      cache.delete(hash);
      throw new UsineError('USINE_UNAUTHENTICATED', 'unknown or revoked API key');
    }
    const principal: Principal = {
      keyId: key.id,
      role: key.role,
      tenantId: key.tenantId,
      project: key.project,
    };
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(hash, { principal, until: now + KEY_CACHE_SECONDS * 1000 });
    return principal;
  };
}
