import type { Site } from '../catalog/catalog.js';
import type { JobSpec } from '../spec/job-spec.js';
import type { TenantQuotaAtSite } from './site-facts.js';

const MILLI = 1000;
/** The cohort of the tenants a site does not list (as scheduling/tenant-quotas.ts). */
const UNLISTED_COHORT = 'default';

/**
 * The tenant's quota at a site as the site scheduler will apply it (`scheduling/quota-book.ts`
 * with `scheduling/tenant-quotas.ts`): its nominal quota and borrowing limit, and its cohort's
 * limit (members' nominal quotas plus the capacity no quota covers). A tenant the site does not
 * list has no nominal quota (cohort `default`). Undefined when the site has no quotas.
 */
export function describeTenantQuota(
  site: Site,
  tenant: string,
  usedMilli: ReadonlyMap<string, number>,
): TenantQuotaAtSite | undefined {
  const listed = site.tenants;
  if (listed === undefined) return undefined;
  const own = listed.find((t) => t.name === tenant);
  const cohort = own?.cohort ?? UNLISTED_COHORT;
  const capacity = new Map<string, number>();
  for (const row of site.capacity) {
    const key = row.gpuModel.toLowerCase();
    capacity.set(key, (capacity.get(key) ?? 0) + row.gpusPerNode * row.nodes * MILLI);
  }
  const nominalMilli = new Map<string, number>();
  const borrowingLimitMilli = new Map<string, number>();
  const cohortLimitMilli = new Map<string, number>();
  for (const [model, total] of capacity) {
    let assigned = 0;
    let inCohort = 0;
    for (const t of listed) {
      const gpus = quotaOf(t.quota, model) * MILLI;
      assigned += gpus;
      if (t.cohort === cohort) inCohort += gpus;
    }
    nominalMilli.set(model, own ? quotaOf(own.quota, model) * MILLI : 0);
    const limit = own ? findByModel(own.borrowingLimit, model) : undefined;
    borrowingLimitMilli.set(model, limit === undefined ? Infinity : limit * MILLI);
    cohortLimitMilli.set(model, inCohort + Math.max(0, total - assigned));
  }
  return { site: site.name, tenant, nominalMilli, borrowingLimitMilli, cohortLimitMilli, usedMilli };
}

/** Whether this job may run above its tenant's nominal quota: only preemptible work borrows. */
export function mayBorrow(job: JobSpec): boolean {
  return job.preemptible;
}

/** The most milli-GPU of `model` the tenant could ever hold there with this job (site idle). */
export function measureQuotaCeiling(quota: TenantQuotaAtSite, model: string, isBorrowing: boolean): number {
  const nominal = quota.nominalMilli.get(model) ?? 0;
  const own = isBorrowing ? nominal + (quota.borrowingLimitMilli.get(model) ?? Infinity) : nominal;
  return Math.min(own, quota.cohortLimitMilli.get(model) ?? Infinity);
}

function quotaOf(byModel: ReadonlyMap<string, number>, model: string): number {
  return findByModel(byModel, model) ?? 0;
}

/** Catalog quotas are keyed by upper-case model names; placement compares lower case. */
function findByModel(byModel: ReadonlyMap<string, number>, model: string): number | undefined {
  for (const [name, gpus] of byModel) if (name.toLowerCase() === model) return gpus;
  return undefined;
}
