import type { InvoiceView } from './read-invoices.js';

const CSV_COLUMNS = ['project', 'site', 'gpuModel', 'offering', 'gpuHours', 'unitPrice', 'amount'] as const;

/** One row per line, then subtotal, tax and total rows; amounts as `12.34 EUR`. RFC 4180 quoting. */
export function renderInvoiceCsv(invoice: InvoiceView): string {
  const rows: string[][] = [['invoice', ...CSV_COLUMNS]];
  for (const line of invoice.lines) rows.push([invoice.id, ...CSV_COLUMNS.map((c) => line[c])]);
  rows.push([invoice.id, 'subtotal', '', '', '', '', '', invoice.subtotal]);
  rows.push([invoice.id, invoice.taxLabel, '', '', '', '', '', invoice.tax]);
  rows.push([invoice.id, 'total', '', '', '', '', '', invoice.total]);
  return rows.map((r) => r.map(quoteCsv).join(',')).join('\r\n') + '\r\n';
}

/** A self-contained page that prints on one A4 sheet per few dozen lines. */
export function renderInvoiceHtml(invoice: InvoiceView, tenantName: string): string {
  const rows = invoice.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.project)}</td><td>${esc(l.site)}</td><td>${esc(l.gpuModel)}</td><td>${esc(l.offering)}</td>` +
        `<td class="n">${esc(l.gpuHours)}</td><td class="n">${esc(l.unitPrice)}</td><td class="n">${esc(l.amount)}</td></tr>`,
    )
    .join('\n');
  const converted = invoice.converted
    ? `<p class="conv">In ${esc(invoice.converted.currency)} at the ${esc(invoice.converted.rates)} rates of ${esc(invoice.converted.asOf ?? 'the day')}: subtotal ${esc(invoice.converted.subtotal)}, tax ${esc(invoice.converted.tax)}, total ${esc(invoice.converted.total)}.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(invoice.id)}</title>
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

function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
