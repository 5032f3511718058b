import { floorToMinorUnits, roundToMinorUnits, sumAmounts, type ExactAmount } from './exact-amount.js';

/**
 * Rounds a set of exact amounts of one currency so that they add up to their exact sum
 * rounded once, half to even (largest remainder): each amount is rounded down to the
 * minor unit, then the amounts with the largest remainders (first in order on a tie) get
 * one more unit until the sum is reached. Each result is within one minor unit of its
 * exact amount; the results add up to the rounded total, to the cent.
 */
export function allocateMinorUnits(amounts: readonly ExactAmount[], currency: string): bigint[] {
  const total = roundToMinorUnits(sumAmounts(amounts, currency));
  const floors = amounts.map((a, index) => ({ index, ...floorToMinorUnits(a) }));
  const units = floors.map((f) => f.units);
  let missing = total - units.reduce((s, u) => s + u, 0n);
  const byRemainder = [...floors].sort((a, b) => {
    const left = a.remainder.numerator * b.remainder.denominator;
    const right = b.remainder.numerator * a.remainder.denominator;
    return left === right ? a.index - b.index : left > right ? -1 : 1;
  });
  for (const f of byRemainder) {
    if (missing <= 0n) break;
    units[f.index] = (units[f.index] ?? 0n) + 1n;
    missing -= 1n;
  }
  return units;
}
