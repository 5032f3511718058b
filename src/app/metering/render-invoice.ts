import { csvLine } from '../csv-line.js';
import { escapeHtml as esc } from '../escape-html.js';
import type { InvoiceView } from './read-invoices.js';

export const INVOICE_CSV_HEADER = [
  'invoice',
  'period',
  'project',
  'site',
  'gpuModel',
  'offering',
  'simulated',
  'gpuHours',
  'unitPrice',
  'amount',
  'currency',
] as const;

/**
 * One row per line, then subtotal, tax and total rows; amounts as plain decimals with the
 * currency in its own column, so a spreadsheet reads them as numbers. RFC 4180 quoting; a text
 * cell a spreadsheet would run as a formula (`= + - @`, tab, carriage return first) is
 * neutralised with a leading `'` (OWASP's CSV injection advice).
 */
export function renderInvoiceCsv(invoice: InvoiceView): string {
  return [INVOICE_CSV_HEADER, ...invoiceCsvRows(invoice)].map(csvLine).join('');
}

/** The invoice's records without the header: its lines, then subtotal, tax and total. */
export function invoiceCsvRows(invoice: InvoiceView): string[][] {
  const rows: string[][] = [];
  for (const l of invoice.lines) {
    rows.push([
      invoice.id,
      l.period ?? invoice.month,
      l.project,
      l.site,
      l.gpuModel,
      l.offering,
      String(l.simulated),
      l.gpuHours,
      amountOf(l.unitPrice),
      amountOf(l.amount),
      invoice.currency,
    ]);
  }
  const total = (label: string, money: string) => [
    invoice.id,
    invoice.month,
    label,
    '',
    '',
    '',
    '',
    '',
    '',
    amountOf(money),
    invoice.currency,
  ];
  rows.push(
    total('subtotal', invoice.subtotal),
    total(invoice.taxLabel, invoice.tax),
    total('total', invoice.total),
  );
  return rows;
}

/** "12.34 EUR" → "12.34". */
function amountOf(money: string): string {
  return money.split(' ')[0] ?? '';
}

/** The page allows nothing but its own inline style: no script, no image, no request out. */
export const INVOICE_HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** A self-contained page that prints on one A4 sheet per few dozen lines. */
export function renderInvoiceHtml(invoice: InvoiceView, tenantName: string): string {
  const rows = invoice.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.project)}${l.period ? ` <small>(adjustment for ${esc(l.period)})</small>` : ''}</td>` +
        `<td>${esc(l.site)}${l.simulated ? ' <small>(simulated)</small>' : ''}</td><td>${esc(l.gpuModel)}</td><td>${esc(l.offering)}</td>` +
        `<td class="n">${esc(l.gpuHours)}</td><td class="n">${esc(l.unitPrice)}</td><td class="n">${esc(l.amount)}</td></tr>`,
    )
    .join('\n');
  const converted = invoice.converted
    ? `<p class="conv">In ${esc(invoice.converted.currency)} at the ${esc(invoice.converted.rates)} rates of ${esc(invoice.converted.asOf ?? 'the day')}: subtotal ${esc(invoice.converted.subtotal)}, tax ${esc(invoice.converted.tax)}, total ${esc(invoice.converted.total)}.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${INVOICE_HTML_CSP}"><title>Invoice ${esc(invoice.id)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ccc;padding:.3em .5em;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:600}.status{text-transform:uppercase;color:#a00}@media print{body{margin:0}}
</style></head><body>
<h1>Invoice ${esc(invoice.id)}</h1>
<p>${esc(tenantName)} · ${esc(invoice.month)} · <span class="status">${esc(invoice.status)}</span></p>
<table><thead><tr><th>Project</th><th>Site</th><th>GPU</th><th>Offering</th><th class="n">GPU-hours</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot>
<tr><td colspan="6">Subtotal</td><td class="n">${esc(invoice.subtotal)}</td></tr>
<tr><td colspan="6">${esc(invoice.taxLabel)}</td><td class="n">${esc(invoice.tax)}</td></tr>
<tr><td colspan="6">Total</td><td class="n">${esc(invoice.total)}</td></tr>
</tfoot></table>
${converted}
<p><small>Per-second usage at the prices fixed at admission; the subtotal is rounded once, half to even.</small></p>
</body></html>
`;
}
