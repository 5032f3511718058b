import { minorUnits } from '../money/currencies.js';
import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';

/**
 * An exact amount of one currency as a fraction `numerator / denominator` of bigints.
 * Rated usage is GPU-seconds × a price per GPU-hour ÷ 3600, which is not a finite decimal
 * (1/3600 has a factor 3²): keeping the fraction makes rating exactly additive, and the
 * rounding happens once, where the README says.
 */
export interface ExactAmount {
  readonly numerator: bigint;
  readonly denominator: bigint;
  readonly currency: string;
}

export function zeroAmount(currency: string): ExactAmount {
  return { numerator: 0n, denominator: 1n, currency };
}

export function exactFromDecimal(amount: Decimal, currency: string): ExactAmount {
  return normalise(amount.coefficient, 10n ** BigInt(amount.scale), currency);
}

export function addAmounts(a: ExactAmount, b: ExactAmount): ExactAmount {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} and ${b.currency}`);
  return normalise(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
    a.currency,
  );
}

export function sumAmounts(amounts: readonly ExactAmount[], currency: string): ExactAmount {
  return amounts.reduce(addAmounts, zeroAmount(currency));
}

/** `a × (numerator / denominator)`, exact. */
export function scaleAmount(a: ExactAmount, numerator: bigint, denominator: bigint): ExactAmount {
  return normalise(a.numerator * numerator, a.denominator * denominator, a.currency);
}

export function isEqualAmount(a: ExactAmount, b: ExactAmount): boolean {
  return a.currency === b.currency && a.numerator * b.denominator === b.numerator * a.denominator;
}

/** The amount in minor units (cents), rounded half to even: the one rounding of an invoice. */
export function roundToMinorUnits(a: ExactAmount): bigint {
  const scaled = a.numerator * 10n ** BigInt(minorUnits(a.currency));
  return divideHalfEven(scaled, a.denominator);
}

/** Minor units rounded down (towards −∞), and what is left over as a fraction of one unit. */
export function floorToMinorUnits(a: ExactAmount): { units: bigint; remainder: ExactAmount } {
  const scaled = a.numerator * 10n ** BigInt(minorUnits(a.currency));
  let units = scaled / a.denominator;
  if (scaled % a.denominator !== 0n && scaled < 0n) units -= 1n;
  return { units, remainder: normalise(scaled - units * a.denominator, a.denominator, a.currency) };
}

/** Minor units as Money with the currency's scale: 1234n EUR → "12.34 EUR". */
export function moneyFromMinorUnits(units: bigint, currency: string): Money {
  return { amount: { coefficient: units, scale: minorUnits(currency) }, currency };
}

function normalise(numerator: bigint, denominator: bigint, currency: string): ExactAmount {
  if (denominator === 0n) throw new RangeError('zero denominator');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator);
  const g = divisor === 0n ? 1n : divisor;
  return { numerator: (sign * numerator) / g, denominator: (sign * denominator) / g, currency };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}
