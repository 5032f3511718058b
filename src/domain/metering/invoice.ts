import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { Commitment } from './commitment.js';
import type { Month } from './month.js';

/** A tenant's billing settings: tax, the currency of its statements, markups, commitments. */
export interface BillingSettings {
  /** 0.20 for 20 % VAT. */
  readonly taxRate: Decimal;
  /** The tax's legal name ("TVA"); null: printed as "Tax". */
  readonly taxLabel: string | null;
  /** The currency statements are also shown in (null: only the offerings' currency). */
  readonly statementCurrency: string | null;
  /** An agency's markup per client project: 0.25 resells at cost + 25 %. */
  readonly markups: ReadonlyMap<string, Decimal>;
  readonly commitments: readonly Commitment[];
}

export const DEFAULT_BILLING: BillingSettings = {
  taxRate: { coefficient: 0n, scale: 0 },
  taxLabel: null,
  statementCurrency: null,
  markups: new Map(),
  commitments: [],
};

export interface InvoiceLine {
  /** null: usage of the invoice's month; a month: an adjustment for late usage of that month. */
  readonly period: Month | null;
  /** Usage of a simulated site, counted at its time scale. */
  readonly simulated: boolean;
  readonly project: string;
  readonly site: string;
  readonly gpuModel: string;
  /** on-demand, spot, committed (the reservation's fee), committed-overage. */
  readonly offering: string;
  /** Exact GPU-seconds (6 decimals); GPU-hours shown are these ÷ 3600 to 6 decimals. */
  readonly gpuSeconds: Decimal;
  readonly gpuHours: Decimal;
  readonly unitPrice: Money;
  /** Rounded to the minor unit by largest remainder (see README). */
  readonly amount: Money;
  /** The agency's resale price of this line and its margin, when the project has a markup. */
  readonly resale: { readonly markup: Decimal; readonly amount: Money; readonly margin: Money } | null;
}

export interface ConvertedTotals {
  readonly currency: string;
  readonly subtotal: Money;
  readonly tax: Money;
  readonly total: Money;
  /** The rate table used, and its date. */
  readonly rates: string;
  readonly asOf: string | null;
}

export interface Invoice {
  /** `inv_2026-11_EUR`: one per tenant, month and currency. */
  readonly id: string;
  readonly tenantId: string;
  readonly month: Month;
  readonly status: 'draft' | 'final';
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: Money;
  readonly taxRate: Decimal;
  /** The rate as printed, with its legal name: "TVA 20 %". */
  readonly taxLabel: string;
  readonly tax: Money;
  readonly total: Money;
  /** The same totals in the tenant's statement currency, at the day's rates. */
  readonly converted: ConvertedTotals | null;
  /** The agency's margin over all marked-up lines (null when no markup applies). */
  readonly margin: Money | null;
}

export function invoiceId(month: Month, currency: string): string {
  return `inv_${month}_${currency}`;
}
