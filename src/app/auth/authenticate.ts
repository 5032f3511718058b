import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { ApiKeyRecord } from '../ports/records.js';
import { hashSecret } from './hash-secret.js';
import type { Principal } from './principal.js';

/**
 * How long a key, once looked up, is trusted without asking the store again. This bounds how
 * late a revocation takes effect on every replica: each replica asks the shared store about a
 * key at least this often, so a key revoked on one replica is refused by all of them within
 * KEY_CACHE_MS (plus one lookup). No notification is needed, which matters because embedded
 * PGlite has no LISTEN/NOTIFY between processes; the cost is one indexed lookup per key, per
 * replica, every KEY_CACHE_MS.
 */
export const KEY_CACHE_MS = 500;
/** A key's last use is written at most this often (per replica), never once per request. */
export const LAST_USED_EVERY_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;

/**
 * `beforeLookup` runs when the key must be looked up in the store (not known, or known too
 * long ago); it may throw to refuse the request before it costs a query.
 */
export type Authenticate = (
  authorization: string | undefined,
  beforeLookup?: () => void,
) => Promise<Principal>;

interface Known {
  readonly principal: Principal;
  readonly expiresAt: number;
  readonly until: number;
}

/**
 * `Authorization: Bearer <key>` → the key's principal; 401 when missing, unknown, revoked or
 * expired. Unknown keys are never remembered (rate limits per client address bound them).
 */
export function createAuthenticator(ctx: AppContext): Authenticate {
  const cache = new Map<string, Known>();
  // concurrent requests with one key share one lookup
  const lookups = new Map<string, Promise<Known>>();

  const lookUp = async (hash: string, now: number): Promise<Known> => {
    // one statement, no BEGIN and COMMIT round trips around it
    const key = await ctx.store.read((tx) => tx.findApiKeyByHash(hash));
    if (!key || key.revokedAt !== null) {
      cache.delete(hash);
      throw new UsineError('USINE_UNAUTHENTICATED', 'unknown or revoked API key');
    }
    if (key.lastUsedAt === null || Date.parse(key.lastUsedAt) <= now - LAST_USED_EVERY_MS) {
      // best effort, off the request's path: a failed stamp costs an older "last used"
      ctx.store
        .transaction((tx) => tx.touchApiKeys([key.id], new Date(now).toISOString()))
        .catch(() => undefined);
    }
    const known: Known = {
      principal: toPrincipal(key),
      expiresAt: key.expiresAt === null ? Infinity : Date.parse(key.expiresAt),
      until: now + KEY_CACHE_MS,
    };
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(hash, known);
    return known;
  };

  return async (authorization, beforeLookup) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new UsineError('USINE_UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>"');
    }
    const hash = hashSecret(match[1]);
    const now = ctx.clock.now().getTime();
    let known = cache.get(hash);
    if (!known || known.until <= now) {
      let pending = lookups.get(hash);
      if (!pending) {
        beforeLookup?.();
        pending = lookUp(hash, now).finally(() => lookups.delete(hash));
        lookups.set(hash, pending);
      }
      known = await pending;
    }
    if (known.expiresAt <= now) {
      throw new UsineError(
        'USINE_UNAUTHENTICATED',
        `API key ${known.principal.keyId} expired at ${new Date(known.expiresAt).toISOString()}: ask for a new one`,
      );
    }
    return known.principal;
  };
}

function toPrincipal(key: ApiKeyRecord): Principal {
  return { keyId: key.id, role: key.role, tenantId: key.tenantId, project: key.project, site: key.site };
}
