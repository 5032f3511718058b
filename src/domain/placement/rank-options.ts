import type { OfferingKind } from '../catalog/schema.js';
import type { Decimal } from '../money/decimal.js';
import { compareAmounts } from './compare-amounts.js';
import type { Money } from '../money/money.js';
import type { Objective } from '../spec/schema.js';
import type { Seconds } from '../time/duration.js';

/** What ranking compares about one feasible way to run. */
export interface RankKey {
  /** A preferred site that can start the job within the tenant's patience: ranked first. */
  readonly isPreferred: boolean;
  readonly expectedStartSeconds: Seconds;
  readonly carbonKg: number | undefined;
  /** Price per GPU-hour in the tenant's currency. */
  readonly tenantPrice: Money;
  /** Seconds billed: the duration, or the offering's billing minimum when longer. */
  readonly billedSeconds: Seconds;
  /** tenantPrice × billedSeconds: the exact cost up to a factor every option shares (GPUs, 1/3600). */
  readonly costKey: Decimal;
  readonly site: string;
  readonly gpuModel: string;
  readonly offering: OfferingKind;
  readonly gpuMemoryGiB: number;
}

/**
 * The order of feasible options: preferred sites within the wait first; then the objective
 * (cost; expected start + duration, the duration being the same for all; carbon, unknown
 * last); then cost, site name, GPU model, offering kind and memory, so ties never depend on
 * the catalog's order.
 */
export function compareRankKeys(a: RankKey, b: RankKey, objective: Objective): number {
  if (a.isPreferred !== b.isPreferred) return a.isPreferred ? -1 : 1;
  if (objective === 'time' && a.expectedStartSeconds !== b.expectedStartSeconds) {
    return a.expectedStartSeconds - b.expectedStartSeconds;
  }
  if (objective === 'carbon' && a.carbonKg !== b.carbonKg) {
    if (a.carbonKg === undefined) return 1;
    if (b.carbonKg === undefined) return -1;
    return a.carbonKg - b.carbonKg;
  }
  const byCost = compareAmounts(a.costKey, b.costKey);
  if (byCost !== 0) return byCost;
  return (
    compareText(a.site, b.site) ||
    compareText(a.gpuModel, b.gpuModel) ||
    compareText(a.offering, b.offering) ||
    a.gpuMemoryGiB - b.gpuMemoryGiB
  );
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
