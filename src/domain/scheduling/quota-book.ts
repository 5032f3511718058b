/** One tenant's quota, by cluster model index, in milli-GPU. */
export interface TenantQuota {
  readonly name: string;
  readonly cohort: string;
  /** Weight in fair sharing (> 0). */
  readonly weight: number;
  readonly nominalMilli: readonly number[];
  /** How far above nominal the tenant may go by borrowing; Infinity: as far as the cohort allows. */
  readonly borrowingLimitMilli: readonly number[];
}

/**
 * Quotas and what every tenant uses, by GPU model, in milli-GPU (Kueue's ClusterQueue/cohort
 * model, with one addition: capacity that no tenant's nominal quota covers is a pool that every
 * cohort may borrow from).
 *
 * Rules checked at admission (and again by the simulator's independent checker):
 * - a tenant uses at most nominal + borrowing limit;
 * - a tenant's non-preemptible work stays within its nominal quota: everything above nominal is
 *   preemptible, so the owner of a nominal quota can always reclaim it;
 * - a cohort uses at most the sum of its members' nominal quotas plus the unassigned pool.
 */
export interface QuotaBook {
  readonly tenants: readonly TenantQuota[];
  readonly cohortOf: Int32Array;
  readonly cohortCount: number;
  /** usage[t * models + m]. */
  readonly usage: Float64Array;
  readonly fixedUsage: Float64Array;
  /** cohortUsage[c * models + m], cohortLimit likewise. */
  readonly cohortUsage: Float64Array;
  readonly cohortLimit: Float64Array;
  readonly models: number;
}

export function createQuotaBook(
  tenants: readonly TenantQuota[],
  capacityMilliByModel: readonly number[],
): QuotaBook {
  const models = capacityMilliByModel.length;
  const cohortIds = new Map<string, number>();
  const cohortOf = Int32Array.from(tenants, (t) => {
    let id = cohortIds.get(t.cohort);
    if (id === undefined) {
      id = cohortIds.size;
      cohortIds.set(t.cohort, id);
    }
    return id;
  });
  const cohortCount = cohortIds.size;
  const nominalByCohort = new Float64Array(cohortCount * models);
  const assigned = new Float64Array(models);
  tenants.forEach((t, i) => {
    for (let m = 0; m < models; m++) {
      const nominal = t.nominalMilli[m] ?? 0;
      const c = cohortOf[i]! * models + m;
      nominalByCohort[c] = nominalByCohort[c]! + nominal;
      assigned[m] = assigned[m]! + nominal;
    }
  });
  const cohortLimit = new Float64Array(cohortCount * models);
  for (let c = 0; c < cohortCount; c++) {
    for (let m = 0; m < models; m++) {
      const pool = Math.max(0, (capacityMilliByModel[m] ?? 0) - assigned[m]!);
      cohortLimit[c * models + m] = nominalByCohort[c * models + m]! + pool;
    }
  }
  return {
    tenants,
    cohortOf,
    cohortCount,
    usage: new Float64Array(tenants.length * models),
    fixedUsage: new Float64Array(tenants.length * models),
    cohortUsage: new Float64Array(cohortCount * models),
    cohortLimit,
    models,
  };
}

/** What stands between a request and its quota: milli-GPU too many for each rule (0: fine). */
export interface QuotaExcess {
  readonly tenant: number;
  readonly fixed: number;
  readonly cohort: number;
}

/** How far admitting `milli` of `model` for `tenant` would break each rule. */
export function measureQuotaExcess(
  book: QuotaBook,
  tenant: number,
  model: number,
  milli: number,
  isPreemptible: boolean,
): QuotaExcess {
  const q = book.tenants[tenant]!;
  const i = tenant * book.models + model;
  const nominal = q.nominalMilli[model] ?? 0;
  const limit = nominal + (q.borrowingLimitMilli[model] ?? Infinity);
  const c = book.cohortOf[tenant]! * book.models + model;
  return {
    tenant: Math.max(0, book.usage[i]! + milli - limit),
    fixed: isPreemptible ? 0 : Math.max(0, book.fixedUsage[i]! + milli - nominal),
    cohort: Math.max(0, book.cohortUsage[c]! + milli - book.cohortLimit[c]!),
  };
}

/** True when no rule is broken. */
export function isWithinQuota(excess: QuotaExcess): boolean {
  return excess.tenant <= 0 && excess.fixed <= 0 && excess.cohort <= 0;
}

/** True when the tenant could never run this job, even on an idle site (its limits are below it). */
export function isBeyondQuota(
  book: QuotaBook,
  tenant: number,
  model: number,
  milli: number,
  isPreemptible: boolean,
): boolean {
  const q = book.tenants[tenant]!;
  const nominal = q.nominalMilli[model] ?? 0;
  const limit = isPreemptible ? nominal + (q.borrowingLimitMilli[model] ?? Infinity) : nominal;
  return milli > limit || milli > book.cohortLimit[book.cohortOf[tenant]! * book.models + model]!;
}

/** Adds (sign 1) or removes (sign -1) a job's milli-GPU to its tenant's and cohort's usage. */
export function chargeQuota(
  book: QuotaBook,
  tenant: number,
  model: number,
  milli: number,
  isPreemptible: boolean,
  sign: 1 | -1,
): void {
  const i = tenant * book.models + model;
  book.usage[i] = book.usage[i]! + sign * milli;
  if (!isPreemptible) book.fixedUsage[i] = book.fixedUsage[i]! + sign * milli;
  const c = book.cohortOf[tenant]! * book.models + model;
  book.cohortUsage[c] = book.cohortUsage[c]! + sign * milli;
}

/** Milli-GPU the tenant uses above its nominal quota of `model` (0 when within it). */
export function measureBorrowed(book: QuotaBook, tenant: number, model: number): number {
  const nominal = book.tenants[tenant]!.nominalMilli[model] ?? 0;
  return Math.max(0, book.usage[tenant * book.models + model]! - nominal);
}
