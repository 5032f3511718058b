import type { Money } from '../money/money.js';
import type { Seconds } from '../time/duration.js';
import type { DecisionContext } from './decision-context.js';
import { estimateCarbonKg, estimateCost, estimateEnergyKWh } from './estimate-run.js';
import type { PlacementOption } from './place-job.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import { costKeyOf, TIER_LATE, TIER_PREFERRED } from './rank-options.js';

/** The carbon figure ranking compares and the option shows: kg CO2e, undefined when unknown. */
export function estimateCandidateCarbonKg(
  site: PreparedSite,
  candidate: PreparedCandidate,
  context: DecisionContext,
): number | undefined {
  const energy = estimateEnergyKWh(
    context.totalGpus,
    candidate.row.boardPowerW,
    context.job.duration,
    site.site.pue,
  );
  return estimateCarbonKg(energy, site.gridCarbonGPerKWh);
}

/**
 * The full option of a ranked way to run (candidate `index` with the rank values the scan
 * found): the exact estimated cost, energy, carbon and score.
 */
export function buildOption(
  index: number,
  tier: number,
  expectedStartSeconds: Seconds,
  billedSeconds: Seconds,
  context: DecisionContext,
): PlacementOption {
  const site = context.prepared.sites[context.prepared.columns.siteIndex[index] as number] as PreparedSite;
  const candidate = context.prepared.candidateAt[index] as PreparedCandidate;
  const { job, constraints } = context;
  const { milliGpus, nodes } = job.resources;
  const tenantPrice = context.tenantPrices[index] as Money;
  const carbonKg = estimateCandidateCarbonKg(site, candidate, context);
  const estimatedCost = estimateCost(tenantPrice, milliGpus, nodes, billedSeconds);
  return {
    isPreferred: tier === TIER_PREFERRED,
    isLate: tier === TIER_LATE,
    expectedStartSeconds,
    carbonKg,
    tenantPrice,
    billedSeconds,
    costKey: costKeyOf(tenantPrice, billedSeconds),
    site: site.site.name,
    gpuModel: candidate.row.gpuModel,
    offering: candidate.offering.kind,
    gpuMemoryGiB: candidate.row.gpuMemoryGiB,
    provider: site.site.provider,
    country: site.site.country,
    pricePerGpuHour: candidate.offering.pricePerGpuHour,
    estimatedCost,
    energyKWh: estimateEnergyKWh(context.totalGpus, candidate.row.boardPowerW, job.duration, site.site.pue),
    gridCarbonGPerKWh: site.gridCarbonGPerKWh,
    gridCarbonSource: site.gridCarbonSource,
    score: scoreOf(expectedStartSeconds, carbonKg, estimatedCost, job.duration, constraints.objective),
  };
}

/** A float for display and the JSON `score` only; ranking compares the exact keys. */
function scoreOf(
  start: Seconds,
  carbonKg: number | undefined,
  cost: Money,
  duration: Seconds,
  objective: string,
): number | null {
  if (objective === 'time') return start + duration;
  if (objective === 'carbon') return carbonKg ?? null;
  return Math.round((Number(cost.amount.coefficient) / 10 ** cost.amount.scale) * 100) / 100;
}
