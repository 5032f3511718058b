import type { TenantPolicy } from '../../domain/catalog/catalog.js';
import { placeJob } from '../../domain/placement/place-job.js';
import { describePlacementOutcome, type PlacementOutcome } from '../../domain/placement/placement-outcome.js';
import type { SiteFacts } from '../../domain/placement/site-facts.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import type { AppContext } from '../context.js';
import { checkBudgets, type BudgetCheck } from '../metering/check-budgets.js';
import type { StoreTx } from '../ports/store.js';
import { describeSiteFacts, type PlacementSnapshot } from './placement-snapshot.js';

/** What a decision needs of the job's tenant: its policy, its budgets with this month's spend. */
export interface TenantPlacementFacts {
  readonly id: string;
  readonly name: string;
  readonly policy: TenantPolicy | undefined;
  readonly budgets: readonly BudgetCheck[];
  /** The tenant's capabilities and quota by site (`describeSiteFacts`), shared by its decisions. */
  readonly sites: ReadonlyMap<string, SiteFacts>;
}

/**
 * The one placement decision of the control plane, made at submission (`LivePlacement`) and by
 * the reconciler (`placeQueued`) alike: the job against every runnable site with the live load,
 * each backend's capabilities, the tenant's quota book there, and the budgets of its tenant and
 * project. Pure given its inputs; the outcome says the job's next state and why.
 */
export function decidePlacement(
  snapshot: PlacementSnapshot,
  tenant: TenantPlacementFacts,
  spec: JobSpec,
  project: string,
  at: Date,
  lateSites?: ReadonlySet<string>,
): PlacementOutcome {
  const result = placeJob({
    job: spec,
    policy: tenant.policy,
    catalog: snapshot.prepared,
    at,
    load: snapshot.loads,
    sites: tenant.sites,
    ...(lateSites ? { lateSites } : {}),
    budgets: tenant.budgets.filter(
      (b) => b.budget.scope === 'tenant' || b.budget.scope === `project:${project}`,
    ),
  });
  return describePlacementOutcome(result, spec);
}

/** Reads what a decision needs of a tenant (its budgets against this month's usage) for one snapshot. */
export async function readTenantPlacementFacts(
  ctx: AppContext,
  tx: StoreTx,
  snapshot: PlacementSnapshot,
  tenantId: string,
  name: string,
  at: Date,
): Promise<TenantPlacementFacts> {
  return {
    id: tenantId,
    name,
    policy: ctx.catalog.policies.find((p) => p.name === name),
    budgets: await checkBudgets(tx, tenantId, at),
    sites: describeSiteFacts(snapshot, tenantId, name),
  };
}
