import type { Budget } from '../../domain/metering/budget.js';
import type { BillingSettings } from '../../domain/metering/invoice.js';
import {
  gpuSecondsOf,
  milliGpuMs,
  USAGE_OFFERINGS,
  type UsageCorrection,
  type UsageRecord,
} from '../../domain/metering/usage-record.js';
import { formatDecimal, parseDecimal, type Decimal } from '../../domain/money/decimal.js';
import { formatMoney, parseMoney, type Money } from '../../domain/money/money.js';
import { JOB_STATUSES, type JobStatus } from '../../domain/jobs/lifecycle.js';
import type { ExportedJob } from '../ports/exchange-store.js';
import type { ApiKeyRecord, JobEventRecord } from '../ports/records.js';

/**
 * Records ↔ the rows of the export's files (docs/export-format.md). Money is `"2.50 EUR"`,
 * exact decimals are strings, instants RFC 3339 in UTC with milliseconds. Each `from…`
 * checks the row it reads: a bad row is an `ExportRowError` naming the field, never a crash.
 */
export class ExportRowError extends Error {}

type Row = Record<string, unknown>;

export function toJobLine(job: ExportedJob): Row {
  return {
    id: job.id,
    project: job.project,
    name: job.name,
    kind: job.kind,
    labels: job.labels,
    status: job.status,
    reason: job.reason,
    placement: job.placement,
    site: job.site,
    allocation: job.allocation,
    handle: job.handle,
    exitCode: job.exitCode,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    prunedAt: job.prunedAt,
    idempotencyKey: job.idempotencyKey,
    requestHash: job.requestHash,
  };
}

export function fromJobLine(row: Row, tenantId: string, document: unknown): ExportedJob {
  const kind = str(row, 'kind');
  if (kind !== 'Job' && kind !== 'Service') throw new ExportRowError('kind: Job or Service');
  const status = str(row, 'status');
  if (!(JOB_STATUSES as readonly string[]).includes(status))
    throw new ExportRowError(`status: not a job status: ${status}`);
  const labels = row['labels'];
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    throw new ExportRowError('labels: an object of strings');
  return {
    id: str(row, 'id'),
    tenantId,
    project: str(row, 'project'),
    name: str(row, 'name'),
    kind,
    labels: labels as Record<string, string>,
    document,
    status: status as JobStatus,
    reason: nullableStr(row, 'reason'),
    placement: row['placement'] ?? null,
    site: nullableStr(row, 'site'),
    allocation: (row['allocation'] ?? null) as ExportedJob['allocation'],
    handle: nullableStr(row, 'handle'),
    exitCode: row['exitCode'] === null ? null : int(row, 'exitCode'),
    createdAt: instant(row, 'createdAt'),
    updatedAt: instant(row, 'updatedAt'),
    startedAt: nullableInstant(row, 'startedAt'),
    finishedAt: nullableInstant(row, 'finishedAt'),
    // absent in exports made before retention existed
    prunedAt: nullableInstant(row, 'prunedAt'),
    idempotencyKey: str(row, 'idempotencyKey'),
    requestHash: str(row, 'requestHash'),
  };
}

export function toEventLine(event: JobEventRecord): Row {
  return { jobId: event.jobId, seq: event.seq, at: event.at, type: event.type, data: event.data };
}

export function fromEventLine(row: Row): JobEventRecord {
  return {
    jobId: str(row, 'jobId'),
    seq: int(row, 'seq'),
    at: instant(row, 'at'),
    type: str(row, 'type'),
    data: row['data'] ?? null,
  };
}

export function toUsageLine(r: UsageRecord): Row {
  return {
    key: r.key,
    project: r.project,
    jobId: r.jobId,
    site: r.site,
    gpuModel: r.gpuModel,
    offering: r.offering,
    milliGpus: r.milliGpus,
    start: r.start,
    end: r.end,
    timeScale: r.timeScale,
    gpuSeconds: formatDecimal(gpuSecondsOf(milliGpuMs(r))),
    energyWh: formatDecimal(r.energyWh),
    energyMeasured: r.energyMeasured === true,
    pricePerGpuHour: formatMoney(r.pricePerGpuHour),
    minimumSeconds: r.minimumSeconds,
    isFinal: r.isFinal,
    invoiceMonth: r.invoiceMonth,
    correction: r.correction,
  };
}

export function fromUsageLine(row: Row, tenantId: string): UsageRecord {
  const offering = str(row, 'offering');
  if (!(USAGE_OFFERINGS as readonly string[]).includes(offering))
    throw new ExportRowError(`offering: one of ${USAGE_OFFERINGS.join(', ')}`);
  const correction = row['correction'];
  return {
    key: str(row, 'key'),
    tenantId,
    project: str(row, 'project'),
    jobId: nullableStr(row, 'jobId'),
    site: str(row, 'site'),
    gpuModel: str(row, 'gpuModel'),
    offering: offering as UsageRecord['offering'],
    milliGpus: int(row, 'milliGpus'),
    start: instant(row, 'start'),
    end: instant(row, 'end'),
    timeScale: int(row, 'timeScale'),
    energyWh: decimal(row, 'energyWh'),
    energyMeasured: row['energyMeasured'] === true,
    pricePerGpuHour: money(row, 'pricePerGpuHour'),
    minimumSeconds: row['minimumSeconds'] === null ? null : int(row, 'minimumSeconds'),
    isFinal: bool(row, 'isFinal'),
    invoiceMonth: nullableStr(row, 'invoiceMonth'),
    correction: correction === null || correction === undefined ? null : (correction as UsageCorrection),
  };
}

export const USAGE_CSV_HEADER = [
  'key',
  'project',
  'jobId',
  'site',
  'gpuModel',
  'offering',
  'milliGpus',
  'start',
  'end',
  'timeScale',
  'gpuSeconds',
  'energyWh',
  'energyMeasured',
  'pricePerGpuHour',
  'currency',
  'minimumSeconds',
  'isFinal',
  'invoiceMonth',
  'corrects',
  'correctionKind',
  'correctionReason',
] as const;

export function toUsageCsvRow(r: UsageRecord): string[] {
  return [
    r.key,
    r.project,
    r.jobId ?? '',
    r.site,
    r.gpuModel,
    r.offering,
    String(r.milliGpus),
    r.start,
    r.end,
    String(r.timeScale),
    formatDecimal(gpuSecondsOf(milliGpuMs(r))),
    formatDecimal(r.energyWh),
    String(r.energyMeasured === true),
    formatDecimal(r.pricePerGpuHour.amount),
    r.pricePerGpuHour.currency,
    r.minimumSeconds === null ? '' : String(r.minimumSeconds),
    String(r.isFinal),
    r.invoiceMonth ?? '',
    r.correction?.of ?? '',
    r.correction?.kind ?? '',
    r.correction?.reason ?? '',
  ];
}

/** Metadata only: the hash of a secret is left out with the secret. */
export function toKeyLine(key: ApiKeyRecord): Row {
  return {
    id: key.id,
    role: key.role,
    project: key.project,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
  };
}

export function toBudgetJson(b: Budget): Row {
  return {
    scope: b.scope,
    limit: 'money' in b.limit ? formatMoney(b.limit.money) : null,
    limitGpuHours: 'gpuHours' in b.limit ? formatDecimal(b.limit.gpuHours) : null,
    period: b.period,
    onExceeded: b.onExceeded,
    stopPreemptible: b.stopPreemptible,
  };
}

export function fromBudgetJson(row: Row): Budget {
  const limit =
    row['limit'] !== null && row['limit'] !== undefined
      ? { money: money(row, 'limit') }
      : { gpuHours: decimal(row, 'limitGpuHours') };
  const onExceeded = str(row, 'onExceeded');
  if (onExceeded !== 'wait' && onExceeded !== 'reject')
    throw new ExportRowError('onExceeded: wait or reject');
  if (row['period'] !== 'month') throw new ExportRowError('period: month');
  return {
    scope: str(row, 'scope'),
    limit,
    period: 'month',
    onExceeded,
    stopPreemptible: bool(row, 'stopPreemptible'),
  };
}

export function toBillingJson(s: BillingSettings): Row {
  return {
    taxRate: formatDecimal(s.taxRate),
    taxLabel: s.taxLabel,
    statementCurrency: s.statementCurrency,
    markups: Object.fromEntries([...s.markups].map(([project, m]) => [project, formatDecimal(m)])),
    commitments: s.commitments.map((c) => ({
      ...c,
      pricePerGpuHour: formatMoney(c.pricePerGpuHour),
      overagePricePerGpuHour: formatMoney(c.overagePricePerGpuHour),
    })),
  };
}

export function fromBillingJson(row: Row): BillingSettings {
  const markups = row['markups'];
  const commitments = row['commitments'];
  if (typeof markups !== 'object' || markups === null) throw new ExportRowError('markups: an object');
  if (!Array.isArray(commitments)) throw new ExportRowError('commitments: an array');
  return {
    taxRate: decimal(row, 'taxRate'),
    taxLabel: nullableStr(row, 'taxLabel'),
    statementCurrency: nullableStr(row, 'statementCurrency'),
    markups: new Map(Object.keys(markups).map((project) => [project, decimal(markups as Row, project)])),
    commitments: (commitments as Row[]).map((c) => ({
      month: str(c, 'month'),
      site: str(c, 'site'),
      gpuModel: str(c, 'gpuModel'),
      gpus: int(c, 'gpus'),
      pricePerGpuHour: money(c, 'pricePerGpuHour'),
      overagePricePerGpuHour: money(c, 'overagePricePerGpuHour'),
    })),
  };
}

function str(row: Row, field: string): string {
  const value = row[field];
  if (typeof value !== 'string') throw new ExportRowError(`${field}: a string is required`);
  return value;
}

function nullableStr(row: Row, field: string): string | null {
  return row[field] === null || row[field] === undefined ? null : str(row, field);
}

function int(row: Row, field: string): number {
  const value = row[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new ExportRowError(`${field}: an integer is required`);
  return value;
}

function bool(row: Row, field: string): boolean {
  const value = row[field];
  if (typeof value !== 'boolean') throw new ExportRowError(`${field}: true or false`);
  return value;
}

function instant(row: Row, field: string): string {
  const value = str(row, field);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ExportRowError(`${field}: an RFC 3339 instant is required`);
  return new Date(ms).toISOString();
}

function nullableInstant(row: Row, field: string): string | null {
  return row[field] === null || row[field] === undefined ? null : instant(row, field);
}

function decimal(row: Row, field: string): Decimal {
  const value = parseDecimal(str(row, field));
  if (!value) throw new ExportRowError(`${field}: an exact decimal ("12.5") is required`);
  return value;
}

function money(row: Row, field: string): Money {
  const parsed = parseMoney(str(row, field));
  if (!parsed.ok) throw new ExportRowError(`${field}: ${parsed.message}`);
  return parsed.money;
}
