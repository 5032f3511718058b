import type { LastUsage, PlaceUsageTotal, UsageRange, UsageTotal } from '../app/ports/metering-store.js';
import {
  milliGpuMs,
  USAGE_OFFERINGS,
  type UsageCorrection,
  type UsageRecord,
} from '../domain/metering/usage-record.js';
import { formatDecimal, parseDecimal, type Decimal } from '../domain/money/decimal.js';
import type { JobRecord } from '../app/ports/records.js';
import { readJob } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toTimestampParam } from './sql-values.js';

const COLUMNS = `idempotency_key, tenant_id, project, job_id, job_seq, site, gpu_model, offering, milli_gpus,
  started_at, ended_at, milli_gpu_ms, energy_wh, price_per_gpu_hour, currency, minimum_seconds, is_final,
  time_scale, invoice_month, corrects, correction, energy_measured`;

/**
 * One statement for the whole batch: parallel arrays through unnest, so the database sees
 * one insert and one round trip whatever the batch size; duplicates are skipped by the
 * unique key, and the count of rows really inserted comes back. Rows go in key order, so
 * batches inserted at once take their key locks in one order and never deadlock.
 */
export async function insertUsage(sql: SqlClient, records: readonly UsageRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const columns: unknown[][] = Array.from({ length: 22 }, () => []);
  for (const r of records) {
    const start = epochMs(r.start, 'usage.start');
    const end = epochMs(r.end, 'usage.end');
    const values = [
      r.key,
      r.tenantId,
      r.project,
      r.jobId,
      jobSeqOf(r.key),
      r.site,
      r.gpuModel,
      r.offering,
      r.milliGpus,
      start,
      end,
      milliGpuMs(r).toString(),
      formatDecimal(r.energyWh),
      formatDecimal(r.pricePerGpuHour.amount),
      r.pricePerGpuHour.currency,
      r.minimumSeconds,
      r.isFinal,
      r.timeScale,
      r.invoiceMonth,
      r.correction?.of ?? null,
      r.correction && JSON.stringify(r.correction),
      r.energyMeasured === true,
    ];
    values.forEach((v, i) => columns[i]?.push(v));
  }
  const [row] = await sql.query<{ n: number | string }>(
    `WITH inserted AS (
       INSERT INTO usage_records (${COLUMNS})
       SELECT k, t, p, j, q, s, g, o, m, to_timestamp(a / 1000.0), to_timestamp(b / 1000.0), x, w, c, u, n, f,
              z, i, r, v::jsonb, e
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[],
           $8::text[], $9::integer[], $10::bigint[], $11::bigint[], $12::bigint[], $13::numeric[],
           $14::numeric[], $15::text[], $16::integer[], $17::boolean[], $18::integer[], $19::text[],
           $20::text[], $21::text[], $22::boolean[]) AS u(k, t, p, j, q, s, g, o, m, a, b, x, w, c, u, n, f, z, i,
           r, v, e)
         ORDER BY k
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING 1)
     SELECT count(*)::integer AS n FROM inserted`,
    columns,
  );
  return Number(row?.n ?? 0);
}

/**
 * Records starting in `[from, to)`; with `billedIn`, those the month's invoice carries
 * instead: its own (starting in it, not moved to a later invoice) and the late records of
 * earlier months moved onto it.
 */
const IN_RANGE = `tenant_id = $1 AND (
  (started_at >= $2::timestamptz AND started_at < $3::timestamptz AND ($4::text IS NULL OR invoice_month IS NULL))
  OR ($4::text IS NOT NULL AND invoice_month = $4::text))`;

function rangeParams(tenantId: string, range: UsageRange): unknown[] {
  return [
    tenantId,
    toTimestampParam(range.from, 'from'),
    toTimestampParam(range.to, 'to'),
    range.billedIn ?? null,
  ];
}

/** What `readUsage` reads of a row. */
export const USAGE_READ_COLUMNS = `idempotency_key, tenant_id, project, job_id, site, gpu_model, offering,
  milli_gpus, started_at, ended_at, energy_wh::text AS energy_wh, price_per_gpu_hour::text AS price, currency,
  minimum_seconds, is_final, time_scale, invoice_month, correction, energy_measured`;

export async function selectUsage(
  sql: SqlClient,
  tenantId: string,
  range: UsageRange,
): Promise<UsageRecord[]> {
  const rows = await sql.query(
    `SELECT ${USAGE_READ_COLUMNS}
       FROM usage_records
      WHERE ${IN_RANGE}
      ORDER BY id`,
    rangeParams(tenantId, range),
  );
  return rows.map(readUsage);
}

export async function sumUsage(sql: SqlClient, tenantId: string, range: UsageRange): Promise<UsageTotal[]> {
  const rows = await sql.query(
    `SELECT project, price_per_gpu_hour::text AS price, currency, sum(milli_gpu_ms)::text AS quantity
       FROM usage_records
      WHERE ${IN_RANGE}
      GROUP BY project, price_per_gpu_hour, currency
      ORDER BY project, currency, price_per_gpu_hour`,
    rangeParams(tenantId, range),
  );
  return rows.map((row) => ({
    project: String(row['project']),
    pricePerGpuHour: {
      amount: decimalOf(row['price'], 'price_per_gpu_hour'),
      currency: String(row['currency']),
    },
    quantity: BigInt(String(row['quantity'])),
  }));
}

/** The whole ledger summed per tenant, site, GPU model and price (the metrics' counters). */
export async function sumUsageByPlace(sql: SqlClient): Promise<PlaceUsageTotal[]> {
  const rows = await sql.query(
    `SELECT t.name AS tenant, u.site, u.gpu_model, u.price_per_gpu_hour::text AS price, u.currency,
            sum(u.milli_gpu_ms)::text AS quantity, sum(u.energy_wh)::text AS energy_wh
       FROM usage_records u JOIN tenants t ON t.id = u.tenant_id
      GROUP BY t.name, u.site, u.gpu_model, u.price_per_gpu_hour, u.currency`,
  );
  return rows.map((row) => ({
    tenant: String(row['tenant']),
    site: String(row['site']),
    gpuModel: String(row['gpu_model']),
    pricePerGpuHour: {
      amount: decimalOf(row['price'], 'price_per_gpu_hour'),
      currency: String(row['currency']),
    },
    quantity: BigInt(String(row['quantity'])),
    energyWh: decimalOf(row['energy_wh'], 'energy_wh'),
  }));
}

export async function lockUsageRecord(sql: SqlClient, key: string): Promise<UsageRecord | undefined> {
  const [row] = await sql.query(
    `SELECT ${USAGE_READ_COLUMNS} FROM usage_records WHERE idempotency_key = $1 FOR UPDATE`,
    [key],
  );
  return row && readUsage(row);
}

export async function isUsageCorrected(sql: SqlClient, key: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM usage_records WHERE corrects = $1 LIMIT 1', [key]);
  return rows.length > 0;
}

export async function selectLastUsageOfJob(sql: SqlClient, jobId: string): Promise<LastUsage | undefined> {
  const [row] = await sql.query(
    `SELECT job_seq, ended_at, is_final FROM usage_records
      WHERE job_id = $1 AND job_seq IS NOT NULL ORDER BY job_seq DESC LIMIT 1`,
    [jobId],
  );
  if (!row) return undefined;
  return { seq: Number(row['job_seq']), end: instantOf(row['ended_at']), isFinal: row['is_final'] === true };
}

/** The jobs that external usage names, whoever's tenant they are: one statement per batch. */
export async function selectJobsById(sql: SqlClient, ids: readonly string[]): Promise<JobRecord[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query('SELECT * FROM jobs WHERE id = ANY($1::text[])', [[...ids]]);
  return rows.map(readJob);
}

export async function selectJobsToMeter(sql: SqlClient, limit: number): Promise<JobRecord[]> {
  const rows = await sql.query(
    `SELECT j.* FROM jobs j
      WHERE j.status IN ('running', 'succeeded', 'failed', 'cancelled', 'preempted')
        AND j.started_at IS NOT NULL AND j.allocation IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.job_id = j.id AND u.is_final)
      ORDER BY j.started_at, j.id
      LIMIT $1`,
    [limit],
  );
  return rows.map(readJob);
}

/**
 * Milliseconds since the epoch: instants go in as numbers (parsing 10⁵ timestamptz texts
 * costs PostgreSQL more than the insert) and `to_timestamp(ms / 1000.0)` is exact to the
 * millisecond (a double holds 15 digits; the column keeps microseconds).
 */
function epochMs(at: string, field: string): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`${field}: not an RFC 3339 instant: ${JSON.stringify(at)}`);
  return ms;
}

/** `job_…#3` → 3: the reconciler's records carry their sequence; external ones none. */
function jobSeqOf(key: string): number | null {
  const match = /^job_[^#]+#(\d+)$/.exec(key);
  return match ? Number(match[1]) : null;
}

export function readUsage(row: Record<string, unknown>): UsageRecord {
  const offering = String(row['offering']);
  if (!(USAGE_OFFERINGS as readonly string[]).includes(offering))
    throw new Error(`usage_records.offering: ${offering}`);
  return {
    key: String(row['idempotency_key']),
    tenantId: String(row['tenant_id']),
    project: String(row['project']),
    jobId: row['job_id'] === null ? null : String(row['job_id']),
    site: String(row['site']),
    gpuModel: String(row['gpu_model']),
    offering: offering as UsageRecord['offering'],
    milliGpus: Number(row['milli_gpus']),
    start: instantOf(row['started_at']),
    end: instantOf(row['ended_at']),
    energyWh: decimalOf(row['energy_wh'], 'energy_wh'),
    pricePerGpuHour: {
      amount: decimalOf(row['price'], 'price_per_gpu_hour'),
      currency: String(row['currency']),
    },
    minimumSeconds: row['minimum_seconds'] === null ? null : Number(row['minimum_seconds']),
    isFinal: row['is_final'] === true,
    timeScale: Number(row['time_scale']),
    invoiceMonth: row['invoice_month'] === null ? null : String(row['invoice_month']),
    correction: row['correction'] === null ? null : (row['correction'] as UsageCorrection),
    // present only when true, so a record written without the field reads back equal
    ...(row['energy_measured'] === true ? { energyMeasured: true } : {}),
  };
}

export function decimalOf(value: unknown, column: string): Decimal {
  const parsed = parseDecimal(String(value));
  if (!parsed) throw new Error(`${column}: not a decimal: ${String(value)}`);
  return parsed;
}

export function instantOf(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  return date.toISOString();
}
