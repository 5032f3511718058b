import type { TenantQuota } from './quota-book.js';
import { MILLI_PER_GPU } from './resources.js';

/** A tenant's share of a site as configured: GPUs by normalised model name. */
export interface ConfiguredTenant {
  readonly name: string;
  readonly cohort: string;
  readonly weight: number;
  readonly quota: ReadonlyMap<string, number>;
  /** A model not listed: no limit but the cohort's. */
  readonly borrowingLimit: ReadonlyMap<string, number> | undefined;
}

/** The cohort of the tenants a configured site does not list. */
export const UNLISTED_COHORT = 'default';

/**
 * The quota book's tenants for a site's `models`: the configured ones, then every other name in
 * `others` (tenants are created at runtime, by name).
 * - Without configuration (`configured` undefined), every tenant has weight 1 and an unlimited
 *   nominal quota: the site shares by priorities, dominant-resource fairness and backfill only.
 * - With it, a tenant it does not list has no nominal quota (cohort `default`, weight 1, no
 *   borrowing limit): it may borrow unused room with preemptible work only, which the listed
 *   tenants reclaim. That keeps every listed tenant's nominal quota guaranteed.
 */
export function buildTenantQuotas(
  configured: readonly ConfiguredTenant[] | undefined,
  others: readonly string[],
  models: readonly string[],
): TenantQuota[] {
  const listed = configured ?? [];
  const names = new Set(listed.map((t) => t.name));
  const unlisted = [...new Set(others)].filter((name) => !names.has(name));
  const quotas = listed.map((t) => ({
    name: t.name,
    cohort: t.cohort,
    weight: t.weight,
    nominalMilli: models.map((m) => (t.quota.get(m) ?? 0) * MILLI_PER_GPU),
    borrowingLimitMilli: models.map((m) => {
      const limit = t.borrowingLimit?.get(m);
      return limit === undefined ? Infinity : limit * MILLI_PER_GPU;
    }),
  }));
  const nominal = configured === undefined ? Infinity : 0;
  for (const name of unlisted)
    quotas.push({
      name,
      cohort: UNLISTED_COHORT,
      weight: 1,
      nominalMilli: models.map(() => nominal),
      borrowingLimitMilli: models.map(() => Infinity),
    });
  return quotas;
}
