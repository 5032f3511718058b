import type { ExchangeRates } from '../catalog/catalog.js';
import { divideDecimals, multiplyDecimals, type Decimal } from './decimal.js';
import type { Money } from './money.js';

/** Digits kept by a conversion: far below any currency's minor unit, so rounding there never shows. */
export const CONVERSION_SCALE = 12;

/**
 * Converts through the base currency of the rates (`1 base = rate × currency`); undefined
 * when a rate is missing. Exact up to CONVERSION_SCALE digits, rounded half to even there.
 */
export function convertMoney(money: Money, to: string, rates: ExchangeRates | undefined): Money | undefined {
  if (money.currency === to) return money;
  const rateOf = (currency: string): Decimal | undefined =>
    currency === rates?.base ? { coefficient: 1n, scale: 0 } : rates?.rates.get(currency);
  const from = rateOf(money.currency);
  const target = rateOf(to);
  if (!from || !target) return undefined;
  // amount in base = amount / from; in target = that × target.
  const amount = divideDecimals(multiplyDecimals(money.amount, target), from, CONVERSION_SCALE);
  return { amount, currency: to };
}
