import { minorUnits } from '../money/currencies.js';
import { formatDecimal, roundDecimal } from '../money/decimal.js';
import { formatMoney, type Money } from '../money/money.js';

/** Digits shown beyond the minor unit for a converted price per GPU-hour, so a cap comparison reads true. */
const EXTRA_PRICE_DIGITS = 2;

/**
 * `"4.50 USD (≈ 3.9463 EUR)"`: the price as the provider publishes it and, when the currency
 * differs, its conversion rounded half to even for display only.
 */
export function describePrice(own: Money, converted: Money): string {
  if (own.currency === converted.currency) return formatMoney(own);
  return `${formatMoney(own)} (≈ ${formatConvertedPrice(converted)})`;
}

/** A converted price per GPU-hour for display: the minor unit plus two digits, half to even. */
export function formatConvertedPrice(price: Money): string {
  const rounded = roundDecimal(price.amount, minorUnits(price.currency) + EXTRA_PRICE_DIGITS);
  return `${formatDecimal(rounded)} ${price.currency}`;
}
