import { formatMoney, roundToMinorUnit, type Money } from '../money/money.js';
import type { JobSpec } from '../spec/job-spec.js';
import { formatConvertedPrice } from './describe-price.js';
import type { PlacementResult } from './place-job.js';

/**
 * A placement as plain JSON: the `--json` contract of `usine place` and what the API stores
 * with a job. These names never change; fields may be added.
 */
export function toPlacementView(result: PlacementResult, job: JobSpec) {
  const d = result.decision;
  return {
    decidedAt: result.at.toISOString(),
    feasible: result.feasible,
    decision: d
      ? {
          site: d.site,
          provider: d.provider,
          country: d.country,
          gpuModel: d.gpuModel,
          offering: d.offering,
          pricePerGpuHour: formatMoney(d.pricePerGpuHour),
          estimatedCost: formatCost(d.estimatedCost),
          energyKWh: roundFigure(d.energyKWh),
          carbonKg: d.carbonKg === undefined ? null : roundFigure(d.carbonKg),
          gpuMemoryGiB: d.gpuMemoryGiB,
          pricePerGpuHourInCurrency: formatConvertedPrice(d.tenantPrice),
          expectedStartSeconds: d.expectedStartSeconds,
          gridCarbonGPerKWh: d.gridCarbonGPerKWh ?? null,
          preferred: d.isPreferred,
          late: d.isLate,
          maxWaitSeconds: describeWaitBound(result),
        }
      : null,
    ranked: result.ranked.map((o) => ({
      site: o.site,
      estimatedCost: formatCost(o.estimatedCost),
      score: o.score === null ? null : roundFigure(o.score),
      gpuModel: o.gpuModel,
      offering: o.offering,
      pricePerGpuHour: formatMoney(o.pricePerGpuHour),
      preferred: o.isPreferred,
      late: o.isLate,
    })),
    rejected: result.rejected.map((r) => ({
      site: r.site,
      reasons: r.reasons.map(({ code, message }) => ({ code, message })),
    })),
    job: job.name,
    objective: result.constraints.objective,
    currency: result.constraints.currency,
    constraints: result.constraints.origins,
  };
}

/**
 * How long the chosen site may take to start the job before it is placed again: the spec's
 * `maxWait`, and on a preferred site the tenant's `maxWaitForPreferred` (the smaller); null: no
 * bound.
 */
function describeWaitBound(result: PlacementResult): number | null {
  const c = result.constraints;
  const site = result.decision?.site;
  const isPreferredSite = site !== undefined && c.prefer.includes(site);
  const bound = Math.min(c.maxWait ?? Infinity, isPreferredSite ? c.maxWaitForPreferred : Infinity);
  return Number.isFinite(bound) ? bound : null;
}

/** Money shown rounded half to even to the currency's minor unit. */
export function formatCost(cost: Money): string {
  return formatMoney(roundToMinorUnit(cost));
}

/** Energy and carbon figures to three decimals: estimates, not amounts. */
export function roundFigure(value: number): number {
  return Math.round(value * 1000) / 1000;
}
