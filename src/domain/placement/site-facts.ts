import type { Budget, BudgetSpend, BudgetStatus } from '../metering/budget.js';

/** What a site's backend can run, as its executor declares it: asked at placement, never by name. */
export interface SiteCapabilities {
  /** Runs container images (`spec.image`). */
  readonly containers: boolean;
  /** Gives a job a fraction of one GPU (`resources.gpus` below 1). */
  readonly fractionalGpus: boolean;
  /** Runs long-lived services (`kind: Service`). */
  readonly services: boolean;
}

/**
 * The tenant's page of one site's quota book, in milli-GPU by lower-case GPU model (every model
 * the site has; a model missing from a map: 0 nominal, no borrowing limit, no cohort limit).
 */
export interface TenantQuotaAtSite {
  readonly site: string;
  readonly tenant: string;
  readonly nominalMilli: ReadonlyMap<string, number>;
  /** How far above nominal the tenant may go by borrowing. */
  readonly borrowingLimitMilli: ReadonlyMap<string, number>;
  /** The most its cohort may use: its members' nominal quotas plus what no quota covers. */
  readonly cohortLimitMilli: ReadonlyMap<string, number>;
  /** What the tenant holds there now (admitted and running jobs, and placements not yet admitted). */
  readonly usedMilli: ReadonlyMap<string, number>;
}

/** What placement knows of one site beyond the catalog: its backend's capabilities and the tenant's quota. */
export interface SiteFacts {
  readonly capabilities?: SiteCapabilities | undefined;
  /** Undefined: the site shares without quotas (no `tenants` configured). */
  readonly quota?: TenantQuotaAtSite | undefined;
}

/** One budget that applies to the job (its tenant's, or its project's) with this month's spend. */
export interface BudgetState {
  readonly budget: Budget;
  readonly spend: BudgetSpend;
  readonly status: BudgetStatus;
}
