import type { AuditEntry, AuditEvent } from '../domain/audit/chain.js';
import { JOB_STATUSES, type JobStatus } from '../domain/jobs/lifecycle.js';
import type {
  Allocation,
  ApiKeyRecord,
  JobEventRecord,
  JobRecord,
  Role,
  TenantRecord,
} from '../app/ports/records.js';
import { ROLES } from '../app/ports/records.js';

/**
 * Database rows → the application's records. The drivers differ (node-postgres gives
 * bigint as a string, PGlite as a number; both give Date for timestamptz): every column is
 * read through one of these functions, and a value the schema should have made impossible
 * is an error naming the column.
 */
export type Row = Record<string, unknown>;

export function readTenant(row: Row): TenantRecord {
  return { id: text(row, 'id'), name: text(row, 'name'), createdAt: instant(row, 'created_at') };
}

export function readApiKey(row: Row): ApiKeyRecord {
  return {
    id: text(row, 'id'),
    tenantId: nullableText(row, 'tenant_id'),
    role: oneOf(row, 'role', ROLES) satisfies Role,
    project: nullableText(row, 'project'),
    site: nullableText(row, 'site'),
    secretHash: text(row, 'secret_hash'),
    createdAt: instant(row, 'created_at'),
    expiresAt: nullableInstant(row, 'expires_at'),
    revokedAt: nullableInstant(row, 'revoked_at'),
    lastUsedAt: nullableInstant(row, 'last_used_at'),
  };
}

export function readJob(row: Row): JobRecord {
  return {
    id: text(row, 'id'),
    tenantId: text(row, 'tenant_id'),
    project: text(row, 'project'),
    name: text(row, 'name'),
    kind: oneOf(row, 'kind', ['Job', 'Service'] as const),
    labels: labels(row, 'labels'),
    document: row['document'],
    status: oneOf(row, 'status', JOB_STATUSES) satisfies JobStatus,
    reason: nullableText(row, 'reason'),
    placement: row['placement'] ?? null,
    site: nullableText(row, 'site'),
    allocation: (row['allocation'] ?? null) as Allocation | null,
    handle: nullableText(row, 'handle'),
    exitCode: row['exit_code'] === null ? null : integer(row, 'exit_code'),
    createdAt: instant(row, 'created_at'),
    updatedAt: instant(row, 'updated_at'),
    startedAt: nullableInstant(row, 'started_at'),
    finishedAt: nullableInstant(row, 'finished_at'),
    prunedAt: nullableInstant(row, 'pruned_at'),
  };
}

export function readJobEvent(row: Row): JobEventRecord {
  return {
    jobId: text(row, 'job_id'),
    seq: integer(row, 'seq'),
    at: instant(row, 'at'),
    type: text(row, 'type'),
    data: row['data'],
  };
}

export function readAuditEntry(row: Row): AuditEntry {
  return {
    seq: integer(row, 'seq'),
    at: instant(row, 'at'),
    actor: text(row, 'actor'),
    tenantId: nullableText(row, 'tenant_id'),
    action: text(row, 'action'),
    subject: text(row, 'subject'),
    data: row['data'],
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
    mac: nullableText(row, 'mac'),
  };
}

/** A queued audit entry: its queue id (a bigint, kept as digits) and the event as stored. */
export function readPendingAudit(row: Row): { id: string; event: AuditEvent; mac: string | null } {
  return {
    id: String(integer(row, 'id')),
    mac: nullableText(row, 'mac'),
    event: {
      at: instant(row, 'at'),
      actor: text(row, 'actor'),
      tenantId: nullableText(row, 'tenant_id'),
      action: text(row, 'action'),
      subject: text(row, 'subject'),
      data: row['data'],
    },
  };
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw badColumn(column, value);
  return value;
}

export function nullableText(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

export function integer(row: Row, column: string): number {
  const value = Number(row[column]);
  if (!Number.isSafeInteger(value)) throw badColumn(column, row[column]);
  return value;
}

export function instant(row: Row, column: string): string {
  const value = row[column];
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw badColumn(column, value);
  return date.toISOString();
}

export function nullableInstant(row: Row, column: string): string | null {
  return row[column] === null ? null : instant(row, column);
}

export function oneOf<const T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const value = row[column];
  if (!allowed.includes(value as T)) throw badColumn(column, value);
  return value as T;
}

function labels(row: Row, column: string): Record<string, string> {
  const value = row[column];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badColumn(column, value);
  for (const v of Object.values(value)) if (typeof v !== 'string') throw badColumn(column, value);
  return value as Record<string, string>;
}

export function badColumn(column: string, value: unknown): Error {
  return new Error(`store: unexpected value in column ${column}: ${JSON.stringify(value) ?? String(value)}`);
}
