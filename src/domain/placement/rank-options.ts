import type { OfferingKind } from '../catalog/schema.js';
import { decimalFromInteger, multiplyDecimals, type Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { Objective } from '../spec/schema.js';
import type { Seconds } from '../time/duration.js';
import { compareAmounts } from './compare-amounts.js';

/** What ranking compares about one feasible way to run. */
export interface RankKey {
  /** A preferred site that can start the job within the tenant's patience: ranked first. */
  readonly isPreferred: boolean;
  /** It cannot start the job within its wait bound (`maxWait`, `maxWaitForPreferred` with `prefer`): ranked last. */
  readonly isLate: boolean;
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
 * The rank keys of the feasible sites' best ways to run, as columns (one entry per site):
 * ranking compares numbers, and builds no object per candidate. An unknown carbon figure is NaN.
 */
export interface RankTable {
  readonly candidate: number[];
  /** 0: preferred and on time, 1: on time, 2: late (TIER_*). */
  readonly tier: number[];
  readonly startSeconds: number[];
  readonly carbonKg: number[];
  readonly billedSeconds: number[];
  /** The site's claimed share of its measured free GPUs (SiteLoad.claimedShare). */
  readonly claimed: number[];
}

/** What comparing two rank keys reads, flattened for a decision. */
export interface RankContext {
  readonly objective: Objective;
  readonly tenantUnits: Float64Array;
  readonly tenantPrices: readonly (Money | undefined)[];
  readonly tieRank: Int32Array;
}

/** Rank tiers: a preferred site that starts within the bound, any site that does, the others. */
export const TIER_PREFERRED = 0;
export const TIER_ON_TIME = 1;
export const TIER_LATE = 2;

/** Below this relative gap two float costs may be misordered by rounding: compare exactly. */
const FLOAT_DOUBT = 1e-15;

/**
 * The order of feasible options: by tier (preferred sites that start within the wait bound,
 * then the other sites that do, then the late ones); then the objective (cost; expected start
 * + duration, the duration being the same for all; carbon, unknown last); then cost, the
 * expected start, the share of the site's free GPUs claimed since measured (spreading a
 * burst of decisions), site name, GPU model, offering kind and memory, so ties never depend on
 * the catalog's order. Cost is compared exactly: as exact floats when the billed seconds are
 * equal, as float products when they differ clearly, else as Decimals.
 */
export function compareRankValues(
  r: RankContext,
  tierA: number,
  startA: number,
  carbonA: number,
  candidateA: number,
  billedA: number,
  tierB: number,
  startB: number,
  carbonB: number,
  candidateB: number,
  billedB: number,
  claimedA: number,
  claimedB: number,
): number {
  if (tierA !== tierB) return tierA < tierB ? -1 : 1;
  if (r.objective === 'time') {
    // Signs, not differences: a float difference returned from here would be boxed.
    if (startA !== startB) return startA < startB ? -1 : startA > startB ? 1 : 0;
  } else if (r.objective === 'carbon') {
    const isAUnknown = carbonA !== carbonA;
    const isBUnknown = carbonB !== carbonB;
    if (isAUnknown !== isBUnknown) return isAUnknown ? 1 : -1;
    if (!isAUnknown && carbonA !== carbonB) return carbonA < carbonB ? -1 : 1;
  }
  const byCost = compareCosts(r, candidateA, billedA, candidateB, billedB);
  if (byCost !== 0) return byCost;
  if (startA !== startB) return startA < startB ? -1 : 1;
  if (claimedA !== claimedB) return claimedA < claimedB ? -1 : 1;
  return (r.tieRank[candidateA] as number) - (r.tieRank[candidateB] as number);
}

function compareCosts(r: RankContext, ca: number, ba: number, cb: number, bb: number): number {
  const ua = r.tenantUnits[ca] as number;
  const ub = r.tenantUnits[cb] as number;
  if (ua === ua && ub === ub) {
    if (ba === bb) return ba === 0 || ua === ub ? 0 : ua < ub ? -1 : 1;
    const x = ua * ba;
    const y = ub * bb;
    if (Math.abs(x - y) > (Math.abs(x) + Math.abs(y)) * FLOAT_DOUBT) return x < y ? -1 : 1;
  }
  const prices = r.tenantPrices;
  const pa = prices[ca] as Money;
  const pb = prices[cb] as Money;
  // The same billed seconds on both sides: the prices order the costs (nothing multiplied).
  if (ba === bb) return ba === 0 ? 0 : compareAmounts(pa.amount, pb.amount);
  return compareAmounts(costKeyOf(pa, ba), costKeyOf(pb, bb));
}

/** tenantPrice × billedSeconds, exact. */
export function costKeyOf(tenantPrice: Money, billedSeconds: Seconds): Decimal {
  return multiplyDecimals(tenantPrice.amount, decimalFromInteger(billedSeconds));
}

/** The entries of the table in rank order, best first; ties keep catalog order. */
export function sortRankEntries(table: RankTable, r: RankContext): number[] {
  const order: number[] = [];
  for (let k = 0; k < table.candidate.length; k++) order.push(k);
  const { candidate, tier, startSeconds, carbonKg, billedSeconds, claimed } = table;
  return order.sort((a, b) =>
    compareRankValues(
      r,
      tier[a] as number,
      startSeconds[a] as number,
      carbonKg[a] as number,
      candidate[a] as number,
      billedSeconds[a] as number,
      tier[b] as number,
      startSeconds[b] as number,
      carbonKg[b] as number,
      candidate[b] as number,
      billedSeconds[b] as number,
      claimed[a] as number,
      claimed[b] as number,
    ),
  );
}
