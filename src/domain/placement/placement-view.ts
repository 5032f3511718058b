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

/** Money shown rounded half to even to the currency's minor unit. */
export function formatCost(cost: Money): string {
  return formatMoney(roundToMinorUnit(cost));
}

/** Energy and carbon figures to three decimals: estimates, not amounts. */
export function roundFigure(value: number): number {
  return Math.round(value * 1000) / 1000;
}
