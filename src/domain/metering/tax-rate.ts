import {
  compareDecimals,
  divideDecimals,
  formatDecimal,
  multiplyDecimals,
  parseDecimal,
  type Decimal,
} from '../money/decimal.js';

/** A tax rate as a fraction (0.20) and the legal name it is printed with ("TVA"), if any. */
export interface TaxRate {
  readonly rate: Decimal;
  readonly label: string | null;
}

export type TaxRateParse =
  ({ readonly ok: true } & TaxRate) | { readonly ok: false; readonly path: string; readonly message: string };

const PERCENT = /^(\d+(?:\.\d+)?)\s?%$/;
const HINT =
  'a percentage with its sign ("20%") or a fraction with a name ({"rate": "0.20", "label": "TVA"})';
const ONE: Decimal = { coefficient: 1n, scale: 0 };
const HUNDRED: Decimal = { coefficient: 100n, scale: 0 };

/**
 * Reads a tax rate as the API takes it: `"20%"` or `{rate: "0.20", label?}`, from 0 to 100 %.
 * A bare number (`"20"`) is refused: it once meant 2000 %.
 */
export function parseTaxRate(value: unknown, path = 'taxRate'): TaxRateParse {
  let rate: Decimal | undefined;
  let label: string | null = null;
  let at = path;
  if (typeof value === 'string') {
    const match = PERCENT.exec(value.trim());
    const percent = match?.[1] === undefined ? undefined : parseDecimal(match[1]);
    if (!percent) return { ok: false, path, message: `must be ${HINT}, not ${JSON.stringify(value)}` };
    rate = divideDecimals(percent, HUNDRED, percent.scale + 2);
  } else if (typeof value === 'object' && value !== null && 'rate' in value) {
    const record = value as { rate: unknown; label?: unknown };
    at = `${path}.rate`;
    rate = typeof record.rate === 'string' ? parseDecimal(record.rate) : undefined;
    if (!rate) return { ok: false, path: at, message: `must be a fraction such as "0.20" (20 %)` };
    if (record.label !== undefined && (typeof record.label !== 'string' || record.label.trim() === ''))
      return {
        ok: false,
        path: `${path}.label`,
        message: 'must be the legal name of the tax, such as "TVA"',
      };
    label = typeof record.label === 'string' ? record.label.trim() : null;
  } else {
    return { ok: false, path, message: `must be ${HINT}` };
  }
  if (rate.coefficient < 0n || compareDecimals(rate, ONE) > 0)
    return { ok: false, path: at, message: `must lie between 0 and 100 %, not ${formatPercent(rate)} %` };
  return { ok: true, rate, label };
}

/** 0.055 → "5.5": the rate in percent, exact, without trailing zeros. */
export function formatPercent(rate: Decimal): string {
  const text = formatDecimal(multiplyDecimals(rate, HUNDRED));
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** What the invoice prints: "TVA 20 %" (or "Tax 20 %" when the rate has no name). */
export function describeTax(tax: TaxRate): string {
  return `${tax.label ?? 'Tax'} ${formatPercent(tax.rate)} %`;
}
