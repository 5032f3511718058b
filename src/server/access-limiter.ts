import { UsineError } from '../app/errors.js';
import type { Authenticate } from '../app/auth/authenticate.js';
import type { Principal } from '../app/auth/principal.js';
import { RateLimiter } from './rate-limiter.js';
import type { RateLimits } from './rate-limits.js';

/** The rate limit a request ran into, for the 429 answer and its Retry-After header. */
export class RateLimited extends UsineError {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
    perSecond: number,
  ) {
    super(
      'USINE_RATE_LIMITED',
      `slow down: more than ${perSecond} requests per second ${what}; retry in ${retryAfterSeconds} s`,
    );
  }
}

/**
 * The server's three limits. A valid key spends a token of its own bucket and one of its
 * tenant's (so 41 keys of one tenant share one tenant rate); a request without a valid key,
 * and an anonymous route, spends a token of its client address's bucket. A key the server
 * must look up in the store spends the address's token before the query (given back when the
 * key is valid), so even a concurrent flood of invalid keys costs at most the burst in queries.
 */
export class AccessLimiter {
  private readonly perKey: RateLimiter;
  private readonly perTenant: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(limits: RateLimits, now: () => number) {
    this.perKey = new RateLimiter(limits.perSecond, limits.burst, now);
    const tenant = limits.perTenant ?? limits;
    this.perTenant = new RateLimiter(tenant.perSecond, tenant.burst, now);
    const address = limits.perAddress ?? limits;
    this.perAddress = new RateLimiter(address.perSecond, address.burst, now);
  }

  /**
   * The caller's principal, within the limits: the key's own and its tenant's; the address's
   * for a request without a valid key, taken before the store is asked about the key.
   */
  async authenticate(
    authenticate: Authenticate,
    authorization: string | undefined,
    address: string,
  ): Promise<Principal> {
    let lookedUp = false;
    let principal: Principal;
    try {
      principal = await authenticate(authorization, () => {
        this.takeForAddress(address);
        lookedUp = true;
      });
    } catch (error) {
      const isRefusedKey = error instanceof UsineError && error.code === 'USINE_UNAUTHENTICATED';
      if (isRefusedKey && !lookedUp) this.takeForAddress(address);
      throw error;
    }
    if (lookedUp) this.perAddress.give(address);
    this.takeForKey(principal);
    return principal;
  }

  /** Throws RateLimited unless the key and its tenant each have a token; takes them. */
  takeForKey(principal: Principal): void {
    this.spend(this.perKey, principal.keyId, 'for this key');
    if (principal.tenantId !== null)
      this.spend(this.perTenant, principal.tenantId, `for tenant ${principal.tenantId}`);
  }

  /** Throws RateLimited unless the address has a token; takes it. */
  takeForAddress(address: string): void {
    this.spend(this.perAddress, address, `from ${address} without a valid key`);
  }

  private spend(limiter: RateLimiter, name: string, what: string): void {
    const answer = limiter.take(name);
    if (!answer.ok) throw new RateLimited(answer.retryAfterSeconds, what, limiter.rate.perSecond);
  }
}
