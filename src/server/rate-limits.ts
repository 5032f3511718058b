/** A token bucket's shape: `burst` requests at once, refilled at `perSecond`. */
export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * The server's rate limits. Per key (perSecond, burst); per tenant, over all its keys
 * together; per client address, for requests without a valid key (none, unknown, revoked,
 * expired: each costs a lookup) and for the anonymous routes (/metrics, /openapi.json).
 * An absent perTenant or perAddress takes the per-key rate.
 */
export interface RateLimits extends Rate {
  readonly perTenant?: Rate;
  readonly perAddress?: Rate;
}
