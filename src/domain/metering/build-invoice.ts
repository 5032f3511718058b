import type { ExchangeRates } from '../catalog/catalog.js';
import { convertMoney } from '../money/convert.js';
import { minorUnits } from '../money/currencies.js';
import {
  addDecimals,
  divideDecimals,
  formatDecimal,
  multiplyDecimals,
  roundDecimal,
  type Decimal,
} from '../money/decimal.js';
import { roundToMinorUnit, type Money } from '../money/money.js';
import { allocateMinorUnits } from './allocate-lines.js';
import { splitCommittedUsage } from './commitment.js';
import { moneyFromMinorUnits, type ExactAmount } from './exact-amount.js';
import { invoiceId, type BillingSettings, type Invoice, type InvoiceLine } from './invoice.js';
import { monthOf, monthBoundsMs, type Month } from './month.js';
import { describeTax } from './tax-rate.js';
import { minimumTopUp, rateQuantity } from './rate-usage.js';
import { gpuSecondsOf, isSimulated, milliGpuMs, type UsageRecord } from './usage-record.js';

export interface InvoiceInput {
  readonly tenantId: string;
  readonly month: Month;
  readonly records: readonly UsageRecord[];
  readonly settings: BillingSettings;
  readonly rates: ExchangeRates | undefined;
  readonly status: 'draft' | 'final';
}

interface Bucket {
  /** null: usage of the invoice's month; a month: late usage of that month (an adjustment). */
  period: Month | null;
  simulated: boolean;
  project: string;
  site: string;
  gpuModel: string;
  offering: string;
  unitPrice: Money;
  quantity: bigint;
}

/**
 * A tenant's invoices for a month, one per currency of the prices it used: the records
 * starting in the month (deduplicated by key) and, as adjustment lines naming their month,
 * the late records of earlier months it carries, grouped by project × site × GPU model ×
 * offering × unit price, minimums settled per job, commitments split into covered and
 * overage. Pure: the same records in any order, replayed or not, give the same invoices.
 */
export function buildInvoices(input: InvoiceInput): Invoice[] {
  const { records, late } = selectMonthRecords(input.records, input.month);
  const buckets = new Map<string, Bucket>();
  const add = (b: Omit<Bucket, 'quantity'>, quantity: bigint) => {
    const key = [
      b.period ?? '',
      String(b.simulated),
      b.project,
      b.site,
      b.gpuModel,
      b.offering,
      b.unitPrice.currency,
      formatDecimal(b.unitPrice.amount),
    ].join('\u0000');
    const bucket = buckets.get(key) ?? { ...b, quantity: 0n };
    bucket.quantity += quantity;
    buckets.set(key, bucket);
  };
  const commitments = input.settings.commitments.filter((c) => c.month === input.month);
  const isCovered = (r: UsageRecord) =>
    r.offering === 'committed' && commitments.some((c) => c.site === r.site && c.gpuModel === r.gpuModel);

  for (const r of records) {
    if (isCovered(r)) continue;
    add(lineOf(r, null), milliGpuMs(r));
  }
  // late usage of a month already invoiced: at its own price, on a line naming its month
  for (const r of late) add(lineOf(r, monthOf(r.start)), milliGpuMs(r));
  for (const jobRecords of groupByJob(records).values()) {
    const topUp = minimumTopUp(jobRecords);
    const final = jobRecords.find((r) => r.isFinal);
    if (topUp > 0n && final) add(lineOf(final, null), topUp);
  }
  const { startMs, endMs } = monthBoundsMs(input.month);
  for (const c of commitments) {
    add(
      {
        period: null,
        simulated: false,
        project: '*',
        site: c.site,
        gpuModel: c.gpuModel,
        offering: 'committed',
        unitPrice: c.pricePerGpuHour,
      },
      BigInt(c.gpus) * 1000n * BigInt(endMs - startMs),
    );
    const used = records.filter(
      (r) => r.offering === 'committed' && r.site === c.site && r.gpuModel === c.gpuModel,
    );
    const { overage } = splitCommittedUsage(used, c.gpus);
    if (overage > 0n)
      add(
        {
          period: null,
          simulated: false,
          project: '*',
          site: c.site,
          gpuModel: c.gpuModel,
          offering: 'committed-overage',
          unitPrice: c.overagePricePerGpuHour,
        },
        overage,
      );
  }

  const byCurrency = new Map<string, Bucket[]>();
  for (const b of [...buckets.values()].sort(compareBuckets)) {
    const list = byCurrency.get(b.unitPrice.currency) ?? [];
    list.push(b);
    byCurrency.set(b.unitPrice.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, list]) => toInvoice(input, currency, list));
}

function toInvoice(input: InvoiceInput, currency: string, buckets: readonly Bucket[]): Invoice {
  const exact: ExactAmount[] = buckets.map((b) => rateQuantity(b.quantity, b.unitPrice));
  const units = allocateMinorUnits(exact, currency);
  const lines: InvoiceLine[] = buckets.map((b, i) => {
    const amount = moneyFromMinorUnits(units[i] ?? 0n, currency);
    const markup = input.settings.markups.get(b.project);
    return {
      period: b.period,
      simulated: b.simulated,
      project: b.project,
      site: b.site,
      gpuModel: b.gpuModel,
      offering: b.offering,
      gpuSeconds: gpuSecondsOf(b.quantity),
      gpuHours: divideDecimals(gpuSecondsOf(b.quantity), { coefficient: 3600n, scale: 0 }, 6),
      unitPrice: b.unitPrice,
      amount,
      resale: markup ? resaleOf(amount, markup) : null,
    };
  });
  const subtotalUnits = units.reduce((s, u) => s + u, 0n);
  const subtotal = moneyFromMinorUnits(subtotalUnits, currency);
  const tax = roundToMinorUnit({
    amount: multiplyDecimals(subtotal.amount, input.settings.taxRate),
    currency,
  });
  const total: Money = { amount: addDecimals(subtotal.amount, tax.amount), currency };
  const marked = lines.filter((l) => l.resale !== null);
  return {
    id: invoiceId(input.month, currency),
    tenantId: input.tenantId,
    month: input.month,
    status: input.status,
    currency,
    lines,
    subtotal,
    taxRate: input.settings.taxRate,
    taxLabel: describeTax({ rate: input.settings.taxRate, label: input.settings.taxLabel }),
    tax,
    total,
    converted: convertTotals(input, subtotal, tax, total),
    margin:
      marked.length === 0
        ? null
        : {
            amount: marked.reduce<Decimal>((s, l) => addDecimals(s, l.resale?.margin.amount ?? s), {
              coefficient: 0n,
              scale: minorUnits(currency),
            }),
            currency,
          },
  };
}

/** The resale price of a line: its amount × (1 + markup), rounded half to even. */
export function resaleOf(amount: Money, markup: Decimal): NonNullable<InvoiceLine['resale']> {
  const one: Decimal = { coefficient: 1n, scale: 0 };
  const resale = roundToMinorUnit({
    amount: multiplyDecimals(amount.amount, addDecimals(one, markup)),
    currency: amount.currency,
  });
  const margin = {
    amount: roundDecimal(
      addDecimals(resale.amount, { coefficient: -amount.amount.coefficient, scale: amount.amount.scale }),
      minorUnits(amount.currency),
    ),
    currency: amount.currency,
  };
  return { markup, amount: resale, margin };
}

function convertTotals(input: InvoiceInput, subtotal: Money, tax: Money, total: Money): Invoice['converted'] {
  const to = input.settings.statementCurrency;
  if (!to || to === subtotal.currency) return null;
  const convert = (m: Money) => {
    const converted = convertMoney(m, to, input.rates);
    return converted && roundToMinorUnit(converted);
  };
  const [s, t, tt] = [convert(subtotal), convert(tax), convert(total)];
  if (!s || !t || !tt || !input.rates) return null;
  return {
    currency: to,
    subtotal: s,
    tax: t,
    total: tt,
    rates: input.rates.name,
    asOf: input.rates.asOf ?? null,
  };
}

/**
 * The month's own records (starting in it, billed in it) and the late ones it carries (of an
 * earlier month whose invoice was final when they arrived), each key once.
 */
function selectMonthRecords(
  records: readonly UsageRecord[],
  month: Month,
): { records: UsageRecord[]; late: UsageRecord[] } {
  const seen = new Set<string>();
  const own: UsageRecord[] = [];
  const late: UsageRecord[] = [];
  for (const r of records) {
    if (seen.has(r.key)) continue;
    if (r.invoiceMonth === month) late.push(r);
    else if (r.invoiceMonth === null && monthOf(r.start) === month) own.push(r);
    else continue;
    seen.add(r.key);
  }
  return { records: own, late };
}

function groupByJob(records: readonly UsageRecord[]): Map<string, UsageRecord[]> {
  const jobs = new Map<string, UsageRecord[]>();
  for (const r of records) {
    if (r.jobId === null) continue;
    const list = jobs.get(r.jobId) ?? [];
    list.push(r);
    jobs.set(r.jobId, list);
  }
  return jobs;
}

function lineOf(r: UsageRecord, period: Month | null): Omit<Bucket, 'quantity'> {
  return {
    period,
    simulated: isSimulated(r),
    project: r.project,
    site: r.site,
    gpuModel: r.gpuModel,
    offering: r.offering,
    unitPrice: r.pricePerGpuHour,
  };
}

function compareBuckets(a: Bucket, b: Bucket): number {
  // the month's own lines first, then its adjustments by period
  const ka = [a.period ?? '', a.project, a.site, a.gpuModel, a.offering, String(a.simulated)];
  const kb = [b.period ?? '', b.project, b.site, b.gpuModel, b.offering, String(b.simulated)];
  ka.push(formatDecimal(a.unitPrice.amount));
  kb.push(formatDecimal(b.unitPrice.amount));
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? '';
    const y = kb[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
