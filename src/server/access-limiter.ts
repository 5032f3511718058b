import { UsineError } from '../app/errors.js';
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
 * and an anonymous route, spends a token of its client address's bucket. An address whose
 * bucket is empty is refused before its key is looked up in the store, so a flood of invalid
 * keys costs no database work beyond the burst.
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

  /** Throws RateLimited unless the key and its tenant each have a token; takes them. */
  takeForKey(principal: Principal): void {
    this.spend(this.perKey, principal.keyId, 'for this key', 'take');
    if (principal.tenantId !== null) {
      this.spend(this.perTenant, principal.tenantId, `for tenant ${principal.tenantId}`, 'take');
    }
  }

  /** Throws RateLimited unless the address has a token; `take` spends it, `peek` only looks. */
  checkAddress(address: string, mode: 'take' | 'peek'): void {
    this.spend(this.perAddress, address, `from ${address} without a valid key`, mode);
  }

  private spend(limiter: RateLimiter, name: string, what: string, mode: 'take' | 'peek'): void {
    const answer = mode === 'take' ? limiter.take(name) : limiter.peek(name);
    if (!answer.ok) throw new RateLimited(answer.retryAfterSeconds, what, limiter.rate.perSecond);
  }
}
