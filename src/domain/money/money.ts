import { isCurrencyCode, minorUnits } from './currencies.js';
import { formatDecimal, parseDecimal, roundDecimal, type Decimal } from './decimal.js';

/** An exact amount in one ISO 4217 currency. Written `"3.50 EUR"` on the wire and in files. */
export interface Money {
  readonly amount: Decimal;
  readonly currency: string;
}

export const MONEY_HINT = 'must be an amount and an ISO 4217 currency, such as "3.50 EUR"';

/** The text form of money as files and JSON write it (also the JSON Schema pattern). */
export const MONEY_PATTERN = '^\\d+(\\.\\d+)? [A-Z]{3}$';

export type MoneyParse =
  { readonly ok: true; readonly money: Money } | { readonly ok: false; readonly message: string };

/** `"3.50 EUR"` → Money; negative or currency-less amounts are refused with a reason. */
export function parseMoney(text: string): MoneyParse {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(text);
  if (!match) {
    return /^\s*[\d.]+\s*$/.test(text)
      ? { ok: false, message: `currency required: write "${text.trim()} EUR" (amount, space, ISO 4217 code)` }
      : { ok: false, message: MONEY_HINT };
  }
  const [, amountText = '', currency = ''] = match;
  const amount = parseDecimal(amountText);
  if (!amount || amount.coefficient < 0n) return { ok: false, message: MONEY_HINT };
  if (!isCurrencyCode(currency)) {
    return { ok: false, message: `"${currency}" is not an ISO 4217 currency code (EUR, USD, CHF, GBP, …)` };
  }
  return { ok: true, money: { amount, currency } };
}

/** `"3.50 EUR"`, with the exact digits the amount carries. */
export function formatMoney(money: Money): string {
  return `${formatDecimal(money.amount)} ${money.currency}`;
}

/** Rounded to the currency's minor unit (cents for EUR), half to even. */
export function roundToMinorUnit(money: Money): Money {
  return { amount: roundDecimal(money.amount, minorUnits(money.currency)), currency: money.currency };
}
