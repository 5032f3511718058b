import { addDecimals, multiplyDecimals, type Decimal } from '../money/decimal.js';
import { roundToMinorUnit, type Money } from '../money/money.js';
import type { Invoice, InvoiceLine } from './invoice.js';

/**
 * What an agency's client sees: the lines of its project at the resale price (the agency's
 * cost × (1 + markup), each line rounded half to even as on the agency's invoice), their
 * sum, the tax on it and the total; no cost, no margin. Undefined when the project has no
 * markup on this invoice (it is not resold).
 */
export function buildClientStatement(invoice: Invoice, project: string): Invoice | undefined {
  const resold = invoice.lines.filter((l) => l.project === project && l.resale !== null);
  if (resold.length === 0) return undefined;
  const one: Decimal = { coefficient: 1n, scale: 0 };
  const lines: InvoiceLine[] = resold.map((l) => ({
    ...l,
    unitPrice: {
      amount: multiplyDecimals(
        l.unitPrice.amount,
        addDecimals(one, l.resale?.markup ?? { coefficient: 0n, scale: 0 }),
      ),
      currency: l.unitPrice.currency,
    },
    amount: l.resale?.amount ?? l.amount,
    resale: null,
  }));
  const subtotal: Money = {
    amount: lines.reduce<Decimal>((s, l) => addDecimals(s, l.amount.amount), { coefficient: 0n, scale: 0 }),
    currency: invoice.currency,
  };
  const rounded = roundToMinorUnit(subtotal);
  const tax = roundToMinorUnit({
    amount: multiplyDecimals(rounded.amount, invoice.taxRate),
    currency: invoice.currency,
  });
  return {
    ...invoice,
    id: `${invoice.id}_${project}`,
    lines,
    subtotal: rounded,
    tax,
    total: { amount: addDecimals(rounded.amount, tax.amount), currency: invoice.currency },
    converted: null,
    margin: null,
  };
}
