import Type, { type Static } from 'typebox';
import { MONEY_PATTERN } from '../domain/money/money.js';

/** The metering API's shapes: usage, external usage events, invoices, budgets, billing. */

const Money = Type.String({
  pattern: MONEY_PATTERN,
  description: 'An exact amount and its currency: "12.34 EUR".',
});
const DecimalText = Type.String({ pattern: '^\\d+(\\.\\d+)?$' });
const Month = Type.String({
  pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
  description: 'A calendar month (UTC): 2026-11.',
});

export const UsageQuery = Type.Object({
  groupBy: Type.Optional(Type.Enum(['job', 'project', 'site', 'gpuModel', 'day'])),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

export const UsageSummary = Type.Object({
  items: Type.Array(
    Type.Object({
      key: Type.String(),
      gpuSeconds: Type.String({ description: 'Exact, 6 decimals.' }),
      energyWh: Type.String(),
      cost: Type.String({
        description: 'At the admission prices, rounded once half to even; before minimums.',
      }),
      simulated: Type.Boolean({
        description: 'Some of it ran on a simulated site: counted at the site’s time scale.',
      }),
    }),
  ),
  from: Type.String(),
  to: Type.String(),
});

export const UsageEvent = Type.Object(
  {
    specversion: Type.Optional(Type.String()),
    id: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Literal('usine.usage.v1'),
    time: Type.Optional(Type.String({ format: 'date-time' })),
    data: Type.Object({
      job: Type.Optional(Type.String()),
      project: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
      site: Type.String({ minLength: 1 }),
      gpuModel: Type.String({ minLength: 1 }),
      offering: Type.Optional(Type.Enum(['on-demand', 'committed', 'spot'])),
      gpus: Type.Number({ exclusiveMinimum: 0, maximum: 100000 }),
      start: Type.String({ format: 'date-time' }),
      end: Type.String({ format: 'date-time' }),
      energyWh: Type.Optional(DecimalText),
    }),
  },
  { description: 'A CloudEvent carrying usage a site measured itself; deduplicated on source + id.' },
);
export const UsageEventBatch = Type.Array(UsageEvent, { maxItems: 10000 });
export const UsageIngested = Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() });

export const CorrectionBody = Type.Object(
  {
    of: Type.String({ minLength: 1, maxLength: 500, description: 'The key of the record corrected.' }),
    kind: Type.Enum(['void', 'adjust']),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    gpus: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100000 })),
    start: Type.Optional(Type.String({ format: 'date-time' })),
    end: Type.Optional(Type.String({ format: 'date-time' })),
    energyWh: Type.Optional(DecimalText),
  },
  {
    additionalProperties: false,
    description: 'A void takes a record back whole; an adjustment replaces its GPUs, interval or energy.',
  },
);

export const UsageRecordView = Type.Object({
  key: Type.String(),
  tenantId: Type.String(),
  project: Type.String(),
  job: Type.Union([Type.String(), Type.Null()]),
  site: Type.String(),
  gpuModel: Type.String(),
  offering: Type.String(),
  gpus: Type.String({ description: 'Negative on a compensating record.' }),
  start: Type.String(),
  end: Type.String(),
  gpuSeconds: Type.String(),
  energyWh: Type.String(),
  pricePerGpuHour: Type.String(),
  simulated: Type.Boolean(),
  invoiceMonth: Type.Union([Type.String(), Type.Null()]),
  correction: Type.Union([
    Type.Object({
      of: Type.String(),
      kind: Type.String(),
      reason: Type.String(),
      by: Type.String(),
      at: Type.String(),
    }),
    Type.Null(),
  ]),
});
export const UsageRecordList = Type.Object({ items: Type.Array(UsageRecordView) });
export type UsageRecordView = Static<typeof UsageRecordView>;
export type CorrectionBodyView = Static<typeof CorrectionBody>;
export const Correction = Type.Object({ corrected: Type.String(), records: Type.Array(UsageRecordView) });
export type CorrectionView = Static<typeof Correction>;
export const UsageRecordQuery = Type.Object({
  tenant: Type.Optional(Type.String({ description: "The operator's key: whose records (a tenant id)." })),
  job: Type.Optional(Type.String()),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

const InvoiceLine = Type.Object({
  period: Type.Union([Month, Type.Null()], {
    description: 'null: usage of the invoice’s month; a month: an adjustment for late usage of that month.',
  }),
  simulated: Type.Boolean({ description: 'Usage of a simulated site, counted at its time scale.' }),
  project: Type.String(),
  site: Type.String(),
  gpuModel: Type.String(),
  offering: Type.String(),
  gpuSeconds: Type.String(),
  gpuHours: Type.String(),
  unitPrice: Money,
  amount: Money,
  resale: Type.Union([Type.Object({ markup: Type.String(), amount: Money, margin: Money }), Type.Null()]),
});
export const Invoice = Type.Object({
  id: Type.String(),
  month: Month,
  status: Type.Enum(['draft', 'final']),
  currency: Type.String(),
  lines: Type.Array(InvoiceLine),
  subtotal: Money,
  taxRate: Type.String({ description: 'A fraction: 0.20 for 20 %.' }),
  taxLabel: Type.String({ description: 'The rate as printed, with its legal name: "TVA 20 %".' }),
  tax: Money,
  total: Money,
  converted: Type.Union([
    Type.Object({
      currency: Type.String(),
      subtotal: Money,
      tax: Money,
      total: Money,
      rates: Type.String(),
      asOf: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  margin: Type.Union([Money, Type.Null()]),
});
export const InvoiceList = Type.Object({ items: Type.Array(Invoice) });
export const InvoiceQuery = Type.Object({ month: Type.Optional(Month) });
export const InvoiceFormatQuery = Type.Object({ format: Type.Optional(Type.Enum(['json', 'csv', 'html'])) });

export const BudgetBody = Type.Object(
  {
    limit: Type.Union([
      Money,
      Type.Object(
        { gpuHours: Type.Number({ minimum: 0, maximum: 1e9 }) },
        { additionalProperties: false, description: 'A limit in GPU-hours: {"gpuHours": 50}.' },
      ),
    ]),
    period: Type.Optional(Type.Literal('month')),
    onExceeded: Type.Optional(Type.Enum(['wait', 'reject'])),
    stopPreemptible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const BudgetView = Type.Object({
  scope: Type.String(),
  limit: Type.Union([Money, Type.Object({ gpuHours: Type.Number() })]),
  period: Type.Literal('month'),
  onExceeded: Type.Enum(['wait', 'reject']),
  stopPreemptible: Type.Boolean(),
  percent: Type.Integer({ description: 'Used this month, rounded down.' }),
  alerts: Type.Array(Type.Integer(), { description: 'Thresholds reached this month: 50, 80, 100.' }),
  exhausted: Type.Boolean(),
});
export const BudgetList = Type.Object({ items: Type.Array(BudgetView) });

export const FactorySummary = Type.Object({
  at: Type.String(),
  month: Type.String(),
  scope: Type.Enum(['factory', 'tenant'], {
    description: "factory: every tenant's (the operator's key); tenant: the caller's own",
  }),
  jobs: Type.Record(Type.String(), Type.Integer(), { description: 'Jobs by state.' }),
  queued: Type.Integer({ description: 'Jobs not placed yet.' }),
  sites: Type.Array(
    Type.Object({
      site: Type.String(),
      running: Type.Integer(),
      waiting: Type.Integer({ description: 'Placed or admitted there, not running yet.' }),
    }),
  ),
  spend: Type.Optional(
    Type.Array(
      Type.Object({
        tenantId: Type.String(),
        tenant: Type.String(),
        invoiced: Type.Array(
          Type.Object({ currency: Type.String(), total: Type.String(), status: Type.String() }),
        ),
        budgets: Type.Array(BudgetView),
      }),
      { description: "This month's spend against budgets, for keys that read usage." },
    ),
  ),
});
export type FactorySummaryView = Static<typeof FactorySummary>;

export const BillingBody = Type.Object(
  {
    taxRate: Type.Optional(
      Type.Union(
        [
          Type.String({ description: 'A percentage with its sign: "20%" (0 to 100 %).' }),
          Type.Object(
            {
              rate: Type.String({ pattern: '^\\d+(\\.\\d+)?$', description: 'A fraction: "0.20".' }),
              label: Type.Optional(Type.String({ minLength: 1, description: 'Its legal name: "TVA".' })),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'The tax rate: "20%" or {"rate": "0.20", "label": "TVA"}; a bare "20" is refused.' },
      ),
    ),
    statementCurrency: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z]{3}$' }), Type.Null()])),
    markups: Type.Optional(Type.Record(Type.String(), DecimalText)),
    commitments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            month: Month,
            site: Type.String(),
            gpuModel: Type.String(),
            gpus: Type.Integer({ minimum: 1 }),
            pricePerGpuHour: Money,
            overagePricePerGpuHour: Money,
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export type UsageSummaryView = Static<typeof UsageSummary>;
export type InvoiceView = Static<typeof Invoice>;
export type BudgetStatusView = Static<typeof BudgetView>;
