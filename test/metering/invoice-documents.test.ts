import { describe, expect, it } from 'vitest';
import type { InvoiceView } from '../../src/app/metering/read-invoices.js';
import { renderInvoiceCsv, renderInvoiceHtml } from '../../src/app/metering/render-invoice.js';

const line = (over: Partial<InvoiceView['lines'][number]> = {}): InvoiceView['lines'][number] => ({
  period: null,
  simulated: false,
  project: 'vision',
  site: 'paris-1',
  gpuModel: 'H100',
  offering: 'on-demand',
  gpuSeconds: '3600.000000',
  gpuHours: '1.000000',
  unitPrice: '2.50 EUR',
  amount: '2.50 EUR',
  resale: null,
  ...over,
});

const invoice: InvoiceView = {
  id: 'inv_2026-11_EUR',
  month: '2026-11',
  status: 'final',
  currency: 'EUR',
  lines: [
    line(),
    line({ project: '=HYPERLINK("https://evil.example","x")', period: '2026-10', simulated: true }),
    line({ project: '+1', site: '-2+3', gpuModel: '@SUM(A1)', offering: '\tcmd', amount: '1,234.00 EUR' }),
  ],
  subtotal: '6.25 EUR',
  taxRate: '0.20',
  taxLabel: 'TVA 20 %',
  tax: '1.25 EUR',
  total: '7.50 EUR',
  converted: null,
  margin: null,
};

describe('invoice documents', () => {
  it('writes CSV with the currency in its own column and amounts as plain decimals', () => {
    const rows = renderInvoiceCsv(invoice).trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'invoice,period,project,site,gpuModel,offering,simulated,gpuHours,unitPrice,amount,currency',
    );
    expect(rows[1]).toBe(
      'inv_2026-11_EUR,2026-11,vision,paris-1,H100,on-demand,false,1.000000,2.50,2.50,EUR',
    );
    expect(rows.at(-1)).toBe('inv_2026-11_EUR,2026-11,total,,,,,,,7.50,EUR');
    expect(rows).toContain('inv_2026-11_EUR,2026-11,TVA 20 %,,,,,,,1.25,EUR');
  });

  it('neutralises cells that a spreadsheet would run as a formula (= + - @ tab)', () => {
    const csv = renderInvoiceCsv(invoice);
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(csv).toContain(",'+1,'-2+3,'@SUM(A1),'\tcmd,");
    expect(csv).not.toMatch(/(^|,)[=+@\t]/m);
    // the adjustment line names its period and says it is simulated
    expect(csv).toContain('inv_2026-11_EUR,2026-10,');
    expect(csv).toContain(',true,');
  });

  it('escapes every text of the HTML page and names the adjustments and simulated lines', () => {
    const html = renderInvoiceHtml(invoice, '<script>alert(1)</script>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('TVA 20 %');
    expect(html).toContain('2026-10');
    expect(html).toContain('simulated');
  });
});
