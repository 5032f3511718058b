import type { Money } from '../money/money.js';

/**
 * Every candidate's price in one currency, by candidate index: the exact Money, and the same as
 * a float that is exact (the coefficient at PRICE_SCALE digits, an integer ≤ 2^53), so that
 * a scan over thousands of offerings compares numbers and allocates nothing. A float is NaN
 * where there is no price (no exchange rate) or where it could not be exact: callers then
 * fall back to the Decimal.
 */
export interface PriceColumn {
  readonly prices: readonly (Money | undefined)[];
  readonly units: Float64Array;
}

export function buildPriceColumn(prices: readonly (Money | undefined)[], scale: number): PriceColumn {
  const units = new Float64Array(prices.length);
  for (let i = 0; i < prices.length; i++) units[i] = toExactUnits(prices[i], scale);
  return { prices, units };
}

/** The coefficient of an amount at `scale` digits as an exact float; NaN when it cannot be exact. */
export function toExactUnits(money: Money | undefined, scale: number): number {
  if (!money || money.amount.scale !== scale) return Number.NaN;
  const { coefficient } = money.amount;
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return coefficient <= limit && coefficient >= -limit ? Number(coefficient) : Number.NaN;
}
