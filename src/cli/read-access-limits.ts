import type { RateLimits } from '../server/rate-limits.js';

export interface AccessLimits {
  readonly rateLimit: RateLimits;
  readonly maxKeysPerTenant: number;
}

/** Each setting: its variable, its default and what it bounds. */
const SETTINGS = {
  keyPerSecond: ['USINE_RATE_LIMIT', 200],
  keyBurst: ['USINE_RATE_BURST', 400],
  tenantPerSecond: ['USINE_TENANT_RATE_LIMIT', 400],
  tenantBurst: ['USINE_TENANT_RATE_BURST', 800],
  addressPerSecond: ['USINE_ADDRESS_RATE_LIMIT', 20],
  addressBurst: ['USINE_ADDRESS_RATE_BURST', 40],
  maxKeysPerTenant: ['USINE_MAX_KEYS_PER_TENANT', 100],
} as const;

/**
 * The server's rate limits (per key, per tenant, per client address for requests without a
 * valid key) and the key limit per tenant, from USINE_* variables; every bad value reported.
 */
export function readAccessLimits(env: Readonly<Record<string, string | undefined>>): {
  limits: AccessLimits;
  problems: string[];
} {
  const problems: string[] = [];
  const read = (name: keyof typeof SETTINGS): number => {
    const [variable, fallback] = SETTINGS[name];
    const text = env[variable];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) {
      problems.push(`${variable}=${text}: must be a positive whole number (default ${fallback})`);
      return fallback;
    }
    return value;
  };
  const limits: AccessLimits = {
    rateLimit: {
      perSecond: read('keyPerSecond'),
      burst: read('keyBurst'),
      perTenant: { perSecond: read('tenantPerSecond'), burst: read('tenantBurst') },
      perAddress: { perSecond: read('addressPerSecond'), burst: read('addressBurst') },
    },
    maxKeysPerTenant: read('maxKeysPerTenant'),
  };
  return { limits, problems };
}
