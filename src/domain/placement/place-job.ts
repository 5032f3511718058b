import type { Catalog, TenantPolicy } from '../catalog/catalog.js';
import type { Money } from '../money/money.js';
import { mergeConstraints, type PlacementConstraints } from '../policy/merge-constraints.js';
import type { JobSpec } from '../spec/job-spec.js';
import { buildOption } from './build-option.js';
import { buildRejections } from './build-rejections.js';
import { buildDecisionContext, type DecisionContext } from './decision-context.js';
import { prepareCatalog, type PreparedCatalog } from './prepare-catalog.js';
import type { RankKey } from './rank-options.js';
import { sortRankEntries } from './rank-options.js';
import type { RejectionReason } from './rejection-reason.js';
import { rankTableOf, rejectedOf, scanSites, type SiteScan } from './scan-sites.js';
import type { SiteLoad } from './site-load.js';
import { applyBudgets } from './apply-budgets.js';
import type { BudgetFailure } from './describe-admission.js';
import type { BudgetState, SiteFacts } from './site-facts.js';

export interface PlacementInput {
  readonly job: JobSpec;
  /** The tenant's standing rules; undefined: the job's own constraints only. */
  readonly policy: TenantPolicy | undefined;
  /** The catalog, or the same prepared once with prepareCatalog when many decisions share it. */
  readonly catalog: Catalog | PreparedCatalog;
  /** The decision instant: certifications are judged valid or expired at it. */
  readonly at: Date;
  /** Live free capacity by site name, where known. */
  readonly load?: ReadonlyMap<string, SiteLoad>;
  /**
   * What admission will say, by site name, where known: the backend's capabilities (CAPABILITY)
   * and the tenant's quota there (EXCEEDS_QUOTA when it could never admit the job; its use now
   * delays the expected start).
   */
  readonly sites?: ReadonlyMap<string, SiteFacts>;
  /** The budgets of the job's tenant and project with this month's spend (BUDGET). */
  readonly budgets?: readonly BudgetState[];
  /** Sites the job already waited at past its wait bound (placed again): ranked late. */
  readonly lateSites?: ReadonlySet<string>;
}

/** One feasible way to run the job: the best of one site. */
export interface PlacementOption extends RankKey {
  readonly provider: string;
  readonly country: string;
  /** As the provider publishes it. */
  readonly pricePerGpuHour: Money;
  /** Price × GPUs × nodes × hours in the tenant's currency, exact; round only to show it. */
  readonly estimatedCost: Money;
  readonly energyKWh: number;
  readonly gridCarbonGPerKWh: number | undefined;
  readonly gridCarbonSource: 'site' | 'country' | undefined;
  /** The objective's measure: cost in the tenant's currency, seconds to finish, or kg CO2e (null: unknown). */
  readonly score: number | null;
}

export interface SiteRejection {
  readonly site: string;
  readonly reasons: readonly RejectionReason[];
}

export interface PlacementResult {
  /** The decision instant. */
  readonly at: Date;
  readonly feasible: boolean;
  readonly constraints: PlacementConstraints;
  /** The chosen option (the first ranked), or undefined when no site can take the job. */
  readonly decision: PlacementOption | undefined;
  /** One option per feasible site, best first. */
  readonly ranked: readonly PlacementOption[];
  /** Every other site, in catalog order, with all its reasons. */
  readonly rejected: readonly SiteRejection[];
  /**
   * No decision, and budgets rejected some sites: what the budget says to do (`wait` in the
   * queue until it has room again, or `reject`); undefined otherwise.
   */
  readonly heldByBudget: { readonly scope: string; readonly onExceeded: 'wait' | 'reject' } | undefined;
}

/**
 * Places one job on the federation: merges the job's constraints with the tenant's policy,
 * checks every site against every hard filter, ranks what is left by the objective, and says
 * why about each site. Pure: the instant and the live load are given. No feasible site is an
 * answer (feasible: false), not an exception.
 *
 * The decision (feasibility, the chosen option with its exact cost, every site's best way or
 * rejection codes) is made here in one pass, the best option selected as the scan goes; the
 * full ranking is sorted, and the objects of the other ranked options and of the rejections
 * built, when `ranked` and `rejected` are first read (then kept), from the one integer per
 * site the scan kept: a decision over a thousand sites allocates almost nothing.
 */
export function placeJob(input: PlacementInput): PlacementResult {
  const prepared = 'isPrepared' in input.catalog ? input.catalog : prepareCatalog(input.catalog);
  const constraints = mergeConstraints(input.job, input.policy);
  const context = buildDecisionContext(
    input.job,
    constraints,
    prepared,
    input.at,
    input.load,
    input.sites,
    input.lateSites,
  );
  const budgeted = applyBudgets(scanSites(context), context, input.budgets ?? []);
  const scan = budgeted.scan;
  const decision =
    scan.bestSite < 0
      ? undefined
      : buildOption(
          scan.outcome[scan.bestSite] as number,
          scan.bestTier,
          scan.bestStart,
          scan.bestBilled,
          context,
        );
  let ranked: readonly PlacementOption[] | undefined;
  let rejected: readonly SiteRejection[] | undefined;
  return {
    at: input.at,
    feasible: decision !== undefined,
    constraints,
    decision,
    heldByBudget: decision ? undefined : describeHold(budgeted.failures),
    get ranked(): readonly PlacementOption[] {
      ranked ??= rankAll(scan, context, decision);
      return ranked;
    },
    get rejected(): readonly SiteRejection[] {
      if (rejected === undefined) {
        const { sites, masks } = rejectedOf(scan);
        rejected = buildRejections(sites, masks, context, budgeted.failures);
      }
      return rejected;
    },
  };
}

/** A budget that says `wait` keeps the job queued; only `reject` budgets make it unplaceable. */
function describeHold(failures: ReadonlyMap<number, BudgetFailure>): PlacementResult['heldByBudget'] {
  let hold: PlacementResult['heldByBudget'];
  for (const { state } of failures.values()) {
    const { scope, onExceeded } = state.budget;
    if (hold === undefined || onExceeded === 'wait') hold = { scope, onExceeded };
    if (onExceeded === 'wait') break;
  }
  return hold;
}

/**
 * Every feasible site's option, best first: the rank table sorted when the ranking is first
 * read. Its first entry is the decision the scan selected (the same comparator; the first in
 * catalog order among equals, as the stable sort): that object is reused.
 */
function rankAll(
  scan: SiteScan,
  context: DecisionContext,
  decision: PlacementOption | undefined,
): PlacementOption[] {
  const table = rankTableOf(scan, context);
  const order = sortRankEntries(table, context.rank);
  const chosen = scan.bestSite < 0 ? -1 : (scan.outcome[scan.bestSite] as number);
  return order.map((slot) =>
    decision && table.candidate[slot] === chosen
      ? decision
      : buildOption(
          table.candidate[slot] as number,
          table.tier[slot] as number,
          table.startSeconds[slot] as number,
          table.billedSeconds[slot] as number,
          context,
        ),
  );
}
