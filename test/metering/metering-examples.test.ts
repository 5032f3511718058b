import { describe, expect, it } from 'vitest';
import { assessBudget, isWithinBudget, type Budget } from '../../src/domain/metering/budget.js';
import { buildInvoices } from '../../src/domain/metering/build-invoice.js';
import { buildClientStatement } from '../../src/domain/metering/client-statement.js';
import { splitCommittedUsage } from '../../src/domain/metering/commitment.js';
import { estimateEnergyWh } from '../../src/domain/metering/estimate-energy.js';
import { DEFAULT_BILLING, type BillingSettings } from '../../src/domain/metering/invoice.js';
import { rateRecord } from '../../src/domain/metering/rate-usage.js';
import { summariseUsage } from '../../src/domain/metering/usage-summary.js';
import type { UsageRecord } from '../../src/domain/metering/usage-record.js';
import { formatDecimal, parseDecimal } from '../../src/domain/money/decimal.js';
import { formatMoney } from '../../src/domain/money/money.js';

const eur = (text: string) => ({
  amount: parseDecimal(text) ?? { coefficient: 0n, scale: 0 },
  currency: 'EUR',
});

const record = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  key: 'job_1#1',
  tenantId: 'ten_a',
  project: 'vision',
  jobId: 'job_1',
  site: 'paris',
  gpuModel: 'H100',
  offering: 'on-demand',
  milliGpus: 1000,
  start: '2026-11-02T10:00:00.000Z',
  end: '2026-11-02T11:00:00.000Z',
  energyWh: { coefficient: 0n, scale: 0 },
  pricePerGpuHour: eur('2.50'),
  minimumSeconds: null,
  isFinal: false,
  timeScale: 1,
  invoiceMonth: null,
  correction: null,
  ...over,
});

const invoiceOf = (records: UsageRecord[], settings: BillingSettings = DEFAULT_BILLING) =>
  buildInvoices({
    tenantId: 'ten_a',
    month: '2026-11',
    records,
    settings,
    rates: undefined,
    status: 'draft',
  });

describe('rating and invoices', () => {
  it('bills a GPU-hour at the price fixed at admission', () => {
    const [invoice] = invoiceOf([record()]);
    expect(formatMoney(invoice?.total ?? eur('0'))).toBe('2.50 EUR');
    expect(invoice?.lines[0]).toMatchObject({ gpuHours: { coefficient: 1_000_000n, scale: 6 } });
  });

  it('bills per second: 1 s of one GPU at 2.50 EUR/h is 0.000694… EUR, rounded once on the invoice', () => {
    const r = record({ end: '2026-11-02T10:00:01.000Z' });
    expect(rateRecord(r)).toEqual({ numerator: 1n, denominator: 1440n, currency: 'EUR' });
    expect(formatMoney(invoiceOf([r])[0]?.subtotal ?? eur('0'))).toBe('0.00 EUR');
    // 18 s = 0.0125 EUR: half to even gives 0.01; 54 s = 0.0375 gives 0.04
    expect(
      formatMoney(invoiceOf([record({ end: '2026-11-02T10:00:18.000Z' })])[0]?.subtotal ?? eur('0')),
    ).toBe('0.01 EUR');
    expect(
      formatMoney(invoiceOf([record({ end: '2026-11-02T10:00:54.000Z' })])[0]?.subtotal ?? eur('0')),
    ).toBe('0.04 EUR');
  });

  it('charges a finished job its minimum when it ran less', () => {
    const short = record({ end: '2026-11-02T10:01:00.000Z', minimumSeconds: 3600, isFinal: true });
    expect(formatMoney(invoiceOf([short])[0]?.subtotal ?? eur('0'))).toBe('2.50 EUR');
    // a running job (no final record yet) is not topped up
    expect(formatMoney(invoiceOf([{ ...short, isFinal: false }])[0]?.subtotal ?? eur('0'))).toBe('0.04 EUR');
  });

  it('covers committed usage up to the reserved GPUs and bills the overage on demand', () => {
    const a = record({ offering: 'committed', milliGpus: 2000, key: 'a' });
    const b = record({
      offering: 'committed',
      milliGpus: 2000,
      key: 'b',
      jobId: 'job_2',
      start: '2026-11-02T10:30:00.000Z',
    });
    expect(splitCommittedUsage([a, b], 3)).toEqual({
      covered: 2000n * 1_800_000n + 3000n * 1_800_000n,
      overage: 1000n * 1_800_000n,
    });
    const settings: BillingSettings = {
      ...DEFAULT_BILLING,
      commitments: [
        {
          month: '2026-11',
          site: 'paris',
          gpuModel: 'H100',
          gpus: 3,
          pricePerGpuHour: eur('1.00'),
          overagePricePerGpuHour: eur('3.00'),
        },
      ],
    };
    const [invoice] = invoiceOf([a, b], settings);
    // 3 GPUs × 720 h × 1.00 + 0.5 GPU-h × 3.00
    expect(invoice?.lines.map((l) => [l.offering, formatMoney(l.amount)])).toEqual([
      ['committed', '2160.00 EUR'],
      ['committed-overage', '1.50 EUR'],
    ]);
  });

  it('adds the tenant tax, shows an agency its margin, and converts for the statement', () => {
    const settings: BillingSettings = {
      taxRate: { coefficient: 20n, scale: 2 },
      taxLabel: null,
      statementCurrency: 'USD',
      markups: new Map([['vision', { coefficient: 25n, scale: 2 }]]),
      commitments: [],
    };
    const rates = {
      name: 'ecb',
      base: 'EUR',
      asOf: '2026-11-27',
      rates: new Map([['USD', { coefficient: 108n, scale: 2 }]]),
    };
    const [invoice] = buildInvoices({
      tenantId: 'ten_a',
      month: '2026-11',
      records: [record()],
      settings,
      rates,
      status: 'final',
    });
    expect(formatMoney(invoice?.tax ?? eur('0'))).toBe('0.50 EUR');
    expect(formatMoney(invoice?.total ?? eur('0'))).toBe('3.00 EUR');
    expect(invoice?.lines[0]?.resale).toMatchObject({ amount: eur('3.12'), margin: eur('0.62') }); // 3.125, half to even
    expect(formatMoney(invoice?.converted?.total ?? eur('0'))).toBe('3.24 USD');
    expect(invoice?.converted?.asOf).toBe('2026-11-27');
  });

  it('shows an agency’s client its project at the resale price, without cost or margin', () => {
    const settings: BillingSettings = {
      ...DEFAULT_BILLING,
      taxRate: { coefficient: 20n, scale: 2 },
      taxLabel: null,
      markups: new Map([['vision', { coefficient: 25n, scale: 2 }]]),
    };
    const [invoice] = invoiceOf([record(), record({ key: 'n', project: 'nlp' })], settings);
    const statement = invoice && buildClientStatement(invoice, 'vision');
    expect(statement?.lines.map((l) => [l.project, formatMoney(l.unitPrice), formatMoney(l.amount)])).toEqual(
      [['vision', '3.1250 EUR', '3.12 EUR']],
    );
    expect(
      [statement?.subtotal, statement?.tax, statement?.total].map((m) => formatMoney(m ?? eur('0'))),
    ).toEqual(['3.12 EUR', '0.62 EUR', '3.74 EUR']);
    expect(statement?.margin).toBeNull();
    expect(invoice && buildClientStatement(invoice, 'nlp')).toBeUndefined();
  });

  it('counts a record once however often it is replayed', () => {
    expect(invoiceOf([record(), record(), record()])).toEqual(invoiceOf([record()]));
  });

  it('groups usage by project with GPU-seconds and cost', () => {
    const items = summariseUsage([record(), record({ key: 'x', project: 'nlp', milliGpus: 500 })], 'project');
    expect(items.map((i) => [i.key, formatDecimal(i.gpuSeconds), i.cost])).toEqual([
      ['nlp', '1800.000000', '1.25 EUR'],
      ['vision', '3600.000000', '2.50 EUR'],
    ]);
  });
});

describe('budgets and energy', () => {
  const budget = (limit: Budget['limit']): Budget => ({
    scope: 'tenant',
    limit,
    period: 'month',
    onExceeded: 'wait',
    stopPreemptible: false,
  });

  it('reaches 50, 80 and 100 % exactly at the limit', () => {
    const cost = (text: string) => [{ ...{ numerator: 0n, denominator: 1n }, ...fromText(text) }];
    expect(
      assessBudget(budget({ money: eur('10.00') }), { costs: cost('4.99'), quantity: 0n }).reached,
    ).toEqual([]);
    expect(
      assessBudget(budget({ money: eur('10.00') }), { costs: cost('8.00'), quantity: 0n }).reached,
    ).toEqual([50, 80]);
    const full = assessBudget(budget({ money: eur('10.00') }), { costs: cost('10.00'), quantity: 0n });
    expect(full).toMatchObject({ reached: [50, 80, 100], isExhausted: true, percent: 100 });
    expect(
      assessBudget(budget({ gpuHours: { coefficient: 2n, scale: 0 } }), {
        costs: [],
        quantity: 3_600_000_000n,
      }).percent,
    ).toBe(50);
  });

  it('lets a job in only while spend plus its estimate stays within a money budget', () => {
    const spend = { costs: [fromText('9.00')], quantity: 0n };
    expect(isWithinBudget(budget({ money: eur('10.00') }), spend, eur('1.00'))).toBe(true);
    expect(isWithinBudget(budget({ money: eur('10.00') }), spend, eur('1.01'))).toBe(false);
    expect(isWithinBudget(budget({ gpuHours: { coefficient: 1n, scale: 0 } }), spend, eur('99'))).toBe(true);
  });

  it('counts a limit of zero as spent before anything runs', () => {
    expect(assessBudget(budget({ money: eur('0') }), { costs: [], quantity: 0n })).toMatchObject({
      isExhausted: true,
      reached: [50, 80, 100],
    });
  });

  it('estimates energy as board power × 0.7 × GPUs × hours × PUE', () => {
    // 700 W × 0.7 × 2 GPUs × 1 h × 1.3 = 1274 Wh
    expect(
      formatDecimal(estimateEnergyWh({ quantity: 2000n * 3_600_000n, boardPowerW: 700, pue: 1.3 })),
    ).toBe('1274.000');
  });
});

function fromText(text: string) {
  const d = parseDecimal(text) ?? { coefficient: 0n, scale: 0 };
  return { numerator: d.coefficient, denominator: 10n ** BigInt(d.scale), currency: 'EUR' };
}
