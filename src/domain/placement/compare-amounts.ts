import { compareDecimals, type Decimal } from '../money/decimal.js';

/**
 * compareDecimals with a fast path for equal scales (prices are kept at one scale by
 * prepareCatalog), so a scan over thousands of offerings allocates nothing.
 */
export function compareAmounts(a: Decimal, b: Decimal): number {
  if (a.scale === b.scale) return a.coefficient < b.coefficient ? -1 : a.coefficient > b.coefficient ? 1 : 0;
  return compareDecimals(a, b);
}
