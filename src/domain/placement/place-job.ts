import type { Catalog, TenantPolicy } from '../catalog/catalog.js';
import { decimalFromInteger, multiplyDecimals } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { mergeConstraints, type PlacementConstraints } from '../policy/merge-constraints.js';
import type { JobSpec } from '../spec/job-spec.js';
import type { Seconds } from '../time/duration.js';
import { checkSite } from './check-site.js';
import { buildDecisionContext, type DecisionContext } from './decision-context.js';
import { estimateCarbonKg, estimateCost, estimateEnergyKWh } from './estimate-run.js';
import {
  prepareCatalog,
  type PreparedCandidate,
  type PreparedCatalog,
  type PreparedSite,
} from './prepare-catalog.js';
import { compareRankKeys, type RankKey } from './rank-options.js';
import type { RejectionReason } from './rejection-reason.js';
import { estimateStart, type SiteLoad } from './site-load.js';

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
  readonly feasible: boolean;
  readonly constraints: PlacementConstraints;
  /** The chosen option (the first ranked), or undefined when no site can take the job. */
  readonly decision: PlacementOption | undefined;
  /** One option per feasible site, best first. */
  readonly ranked: readonly PlacementOption[];
  /** Every other site, in catalog order, with all its reasons. */
  readonly rejected: readonly SiteRejection[];
}

/**
 * Places one job on the federation: merges the job's constraints with the tenant's policy,
 * checks every site against every hard filter, ranks what is left by the objective, and says
 * why about each site. Pure: the instant and the live load are given. No feasible site is an
 * answer (feasible: false), not an exception.
 */
export function placeJob(input: PlacementInput): PlacementResult {
  const prepared = 'isPrepared' in input.catalog ? input.catalog : prepareCatalog(input.catalog);
  const constraints = mergeConstraints(input.job, input.policy);
  const context = buildDecisionContext(input.job, constraints, prepared, input.at, input.load);
  const bests: Best[] = [];
  const rejected: SiteRejection[] = [];
  for (const site of prepared.sites) {
    let best: Best | undefined;
    const load = input.load?.get(site.site.name);
    const reasons = checkSite(site, context, (candidate, tenantPrice) => {
      const key = buildRankKey(site, candidate, tenantPrice, load, context);
      if (!best || compareRankKeys(key, best.key, constraints.objective) < 0) best = { key, site, candidate };
    });
    if (reasons.length > 0) rejected.push({ site: site.site.name, reasons });
    else if (best) bests.push(best);
  }
  bests.sort((a, b) => compareRankKeys(a.key, b.key, constraints.objective));
  const ranked = bests.map((b) => buildOption(b, context));
  return { feasible: ranked.length > 0, constraints, decision: ranked[0], ranked, rejected };
}

interface Best {
  readonly key: RankKey;
  readonly site: PreparedSite;
  readonly candidate: PreparedCandidate;
}

function buildRankKey(
  site: PreparedSite,
  candidate: PreparedCandidate,
  tenantPrice: Money,
  load: SiteLoad | undefined,
  context: DecisionContext,
): RankKey {
  const { row, offering } = candidate;
  const { job, constraints } = context;
  const start = estimateStart(load, row.gpuModel, context.gpusPerNode, job.resources.nodes);
  const energy = estimateEnergyKWh(context.totalGpus, row.boardPowerW, job.duration, site.site.pue);
  const billedSeconds = Math.max(job.duration, offering.minimumSeconds ?? 0);
  return {
    isPreferred: context.preferredSites.has(site.site.name) && start <= constraints.maxWaitForPreferred,
    expectedStartSeconds: start,
    carbonKg: estimateCarbonKg(energy, site.gridCarbonGPerKWh),
    tenantPrice,
    billedSeconds,
    costKey: multiplyDecimals(tenantPrice.amount, decimalFromInteger(billedSeconds)),
    site: site.site.name,
    gpuModel: row.gpuModel,
    offering: offering.kind,
    gpuMemoryGiB: row.gpuMemoryGiB,
  };
}

function buildOption({ key, site, candidate }: Best, context: DecisionContext): PlacementOption {
  const { job, constraints } = context;
  const { milliGpus, nodes } = job.resources;
  const estimatedCost = estimateCost(key.tenantPrice, milliGpus, nodes, key.billedSeconds);
  return {
    isPreferred: key.isPreferred,
    expectedStartSeconds: key.expectedStartSeconds,
    carbonKg: key.carbonKg,
    tenantPrice: key.tenantPrice,
    billedSeconds: key.billedSeconds,
    costKey: key.costKey,
    site: key.site,
    gpuModel: key.gpuModel,
    offering: key.offering,
    gpuMemoryGiB: key.gpuMemoryGiB,
    provider: site.site.provider,
    country: site.site.country,
    pricePerGpuHour: candidate.offering.pricePerGpuHour,
    estimatedCost,
    energyKWh: estimateEnergyKWh(context.totalGpus, candidate.row.boardPowerW, job.duration, site.site.pue),
    gridCarbonGPerKWh: site.gridCarbonGPerKWh,
    gridCarbonSource: site.gridCarbonSource,
    score: scoreOf(key, estimatedCost, job.duration, constraints.objective),
  };
}

/** A float for display and the JSON `score` only; ranking compares the exact keys. */
function scoreOf(key: RankKey, cost: Money, duration: Seconds, objective: string): number | null {
  if (objective === 'time') return key.expectedStartSeconds + duration;
  if (objective === 'carbon') return key.carbonKg ?? null;
  return Math.round((Number(cost.amount.coefficient) / 10 ** cost.amount.scale) * 100) / 100;
}
