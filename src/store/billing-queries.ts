import type { Budget } from '../domain/metering/budget.js';
import type { Commitment } from '../domain/metering/commitment.js';
import type { BillingSettings } from '../domain/metering/invoice.js';
import { formatDecimal } from '../domain/money/decimal.js';
import { formatMoney, parseMoney, type Money } from '../domain/money/money.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';
import { decimalOf } from './usage-queries.js';

export async function upsertBudget(
  sql: SqlClient,
  tenantId: string,
  budget: Budget,
  at: string,
): Promise<void> {
  const money = 'money' in budget.limit ? budget.limit.money : null;
  const hours = 'gpuHours' in budget.limit ? budget.limit.gpuHours : null;
  await sql.query(
    `INSERT INTO budgets (tenant_id, scope, limit_amount, limit_currency, limit_gpu_hours, period, on_exceeded,
                          stop_preemptible, updated_at)
     VALUES ($1, $2, $3::numeric, $4, $5::numeric, $6, $7, $8, $9::timestamptz)
     ON CONFLICT (tenant_id, scope) DO UPDATE SET
       limit_amount = EXCLUDED.limit_amount, limit_currency = EXCLUDED.limit_currency,
       limit_gpu_hours = EXCLUDED.limit_gpu_hours, period = EXCLUDED.period,
       on_exceeded = EXCLUDED.on_exceeded, stop_preemptible = EXCLUDED.stop_preemptible,
       updated_at = EXCLUDED.updated_at`,
    [
      tenantId,
      budget.scope,
      money && formatDecimal(money.amount),
      money?.currency ?? null,
      hours && formatDecimal(hours),
      budget.period,
      budget.onExceeded,
      budget.stopPreemptible,
      toTimestampParam(at, 'budget.at'),
    ],
  );
}

export async function selectBudgets(sql: SqlClient, tenantId: string): Promise<Budget[]> {
  const rows = await sql.query(
    `SELECT scope, limit_amount::text AS amount, limit_currency, limit_gpu_hours::text AS hours, on_exceeded,
            stop_preemptible
       FROM budgets WHERE tenant_id = $1 ORDER BY scope`,
    [tenantId],
  );
  return rows.map((row) => ({
    scope: String(row['scope']),
    limit:
      row['amount'] !== null
        ? {
            money: {
              amount: decimalOf(row['amount'], 'limit_amount'),
              currency: String(row['limit_currency']),
            },
          }
        : { gpuHours: decimalOf(row['hours'], 'limit_gpu_hours') },
    period: 'month' as const,
    onExceeded: row['on_exceeded'] === 'reject' ? ('reject' as const) : ('wait' as const),
    stopPreemptible: row['stop_preemptible'] === true,
  }));
}

export async function insertBudgetAlert(
  sql: SqlClient,
  tenantId: string,
  scope: string,
  month: string,
  threshold: number,
  at: string,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO budget_alerts (tenant_id, scope, month, threshold, at) VALUES ($1, $2, $3, $4, $5::timestamptz)
     ON CONFLICT DO NOTHING RETURNING 1 AS inserted`,
    [tenantId, scope, month, threshold, toTimestampParam(at, 'alert.at')],
  );
  return rows.length > 0;
}

export async function selectBillingSettings(
  sql: SqlClient,
  tenantId: string,
): Promise<BillingSettings | undefined> {
  const [row] = await sql.query(
    `SELECT tax_rate::text AS tax_rate, tax_label, statement_currency, markups, commitments
       FROM billing_settings WHERE tenant_id = $1`,
    [tenantId],
  );
  if (!row) return undefined;
  const markups = (row['markups'] ?? {}) as Record<string, string>;
  const commitments = (row['commitments'] ?? []) as Record<string, unknown>[];
  return {
    taxRate: decimalOf(row['tax_rate'], 'tax_rate'),
    taxLabel: row['tax_label'] === null ? null : String(row['tax_label']),
    statementCurrency: row['statement_currency'] === null ? null : String(row['statement_currency']),
    markups: new Map(Object.entries(markups).map(([project, m]) => [project, decimalOf(m, 'markups')])),
    commitments: commitments.map((c): Commitment => ({
      month: String(c['month']),
      site: String(c['site']),
      gpuModel: String(c['gpuModel']),
      gpus: Number(c['gpus']),
      pricePerGpuHour: moneyOf(c['pricePerGpuHour']),
      overagePricePerGpuHour: moneyOf(c['overagePricePerGpuHour']),
    })),
  };
}

export async function upsertBillingSettings(
  sql: SqlClient,
  tenantId: string,
  settings: BillingSettings,
  at: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO billing_settings (tenant_id, tax_rate, statement_currency, markups, commitments, updated_at,
                                   tax_label)
     VALUES ($1, $2::numeric, $3, $4::jsonb, $5::jsonb, $6::timestamptz, $7)
     ON CONFLICT (tenant_id) DO UPDATE SET tax_rate = EXCLUDED.tax_rate, tax_label = EXCLUDED.tax_label,
       statement_currency = EXCLUDED.statement_currency, markups = EXCLUDED.markups,
       commitments = EXCLUDED.commitments, updated_at = EXCLUDED.updated_at`,
    [
      tenantId,
      formatDecimal(settings.taxRate),
      settings.statementCurrency,
      toJsonParam(Object.fromEntries([...settings.markups].map(([p, m]) => [p, formatDecimal(m)]))),
      toJsonParam(
        settings.commitments.map((c) => ({
          ...c,
          pricePerGpuHour: formatMoney(c.pricePerGpuHour),
          overagePricePerGpuHour: formatMoney(c.overagePricePerGpuHour),
        })),
      ),
      toTimestampParam(at, 'billing.at'),
      settings.taxLabel,
    ],
  );
}

export async function selectFinalInvoices(
  sql: SqlClient,
  tenantId: string,
  month: string,
): Promise<unknown[]> {
  const rows = await sql.query(
    'SELECT document FROM final_invoices WHERE tenant_id = $1 AND month = $2 ORDER BY currency',
    [tenantId, month],
  );
  return rows.map((r) => r['document']);
}

export async function insertFinalInvoice(
  sql: SqlClient,
  tenantId: string,
  month: string,
  currency: string,
  document: unknown,
  at: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO final_invoices (tenant_id, month, currency, document, final_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::timestamptz) ON CONFLICT DO NOTHING`,
    [tenantId, month, currency, toJsonParam(document), toTimestampParam(at, 'invoice.at')],
  );
}

function moneyOf(value: unknown): Money {
  const parsed = parseMoney(String(value));
  if (!parsed.ok) throw new Error(`billing_settings.commitments: ${parsed.message}`);
  return parsed.money;
}
