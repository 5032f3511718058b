import type {
  ExportedJob,
  ForeignAuditKind,
  ForeignAuditLine,
  JobPosition,
  LogChunk,
  UsagePosition,
} from '../app/ports/exchange-store.js';
import type { JobEventRecord } from '../app/ports/records.js';
import type { UsageRecord } from '../domain/metering/usage-record.js';
import { readBytes } from './read-fleet-rows.js';
import { integer, readJob, readJobEvent, text } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';
import { readService } from './service-queries.js';
import { readUsage, USAGE_READ_COLUMNS } from './usage-queries.js';
import type { ServiceRecord } from '../app/ports/service-store.js';

export async function selectTenantJobsAfter(
  sql: SqlClient,
  tenantId: string,
  after: JobPosition | undefined,
  limit: number,
): Promise<ExportedJob[]> {
  const rows = await sql.query(
    `SELECT * FROM jobs
      WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::text))
      ORDER BY created_at, id
      LIMIT $4`,
    [tenantId, after ? toTimestampParam(after.createdAt, 'after') : null, after?.id ?? '', limit],
  );
  return rows.map((row) => ({
    ...readJob(row),
    idempotencyKey: text(row, 'idempotency_key'),
    requestHash: text(row, 'request_hash'),
  }));
}

export async function selectEventsOfJobs(
  sql: SqlClient,
  jobIds: readonly string[],
): Promise<JobEventRecord[]> {
  if (jobIds.length === 0) return [];
  const rows = await sql.query(
    'SELECT * FROM job_events WHERE job_id = ANY($1::text[]) ORDER BY job_id, seq',
    [[...jobIds]],
  );
  return rows.map(readJobEvent);
}

export async function selectLogChunksOfJobs(sql: SqlClient, jobIds: readonly string[]): Promise<LogChunk[]> {
  if (jobIds.length === 0) return [];
  const rows = await sql.query(
    'SELECT job_id, byte_offset, data FROM launch_logs WHERE job_id = ANY($1::text[]) ORDER BY job_id, byte_offset',
    [[...jobIds]],
  );
  return rows.map((row) => ({
    jobId: text(row, 'job_id'),
    offset: integer(row, 'byte_offset'),
    data: readBytes(row, 'data'),
  }));
}

/**
 * Ordered by (start, key), not by ledger id: an import inserts a batch in key order, so only an
 * order of the records' own fields survives export → import → export.
 */
export async function selectUsageAfter(
  sql: SqlClient,
  tenantId: string,
  after: UsagePosition | undefined,
  limit: number,
): Promise<UsageRecord[]> {
  const rows = await sql.query(
    `SELECT ${USAGE_READ_COLUMNS} FROM usage_records
      WHERE tenant_id = $1
        AND ($2::timestamptz IS NULL OR (started_at, idempotency_key) > ($2::timestamptz, $3::text))
      ORDER BY started_at, idempotency_key
      LIMIT $4`,
    [tenantId, after ? toTimestampParam(after.start, 'after') : null, after?.key ?? '', limit],
  );
  return rows.map(readUsage);
}

export async function selectUsageMonths(sql: SqlClient, tenantId: string): Promise<string[]> {
  const rows = await sql.query(
    `SELECT DISTINCT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month FROM usage_records
      WHERE tenant_id = $1 AND invoice_month IS NULL
     UNION
     SELECT DISTINCT invoice_month FROM usage_records WHERE tenant_id = $1 AND invoice_month IS NOT NULL
     ORDER BY month`,
    [tenantId],
  );
  return rows.map((row) => text(row, 'month'));
}

export async function insertImportedJobs(sql: SqlClient, jobs: readonly ExportedJob[]): Promise<string[]> {
  if (jobs.length === 0) return [];
  const rows = jobs.map((j) => ({
    id: j.id,
    tenant_id: j.tenantId,
    project: j.project,
    name: j.name,
    kind: j.kind,
    labels: j.labels,
    document: j.document,
    status: j.status,
    reason: j.reason,
    placement: j.placement,
    site: j.site,
    allocation: j.allocation,
    handle: j.handle,
    exit_code: j.exitCode,
    idempotency_key: j.idempotencyKey,
    request_hash: j.requestHash,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    started_at: j.startedAt,
    finished_at: j.finishedAt,
    pruned_at: j.prunedAt,
  }));
  const inserted = await sql.query(
    `INSERT INTO jobs (id, tenant_id, project, name, kind, labels, document, status, reason, placement, site,
                       allocation, handle, exit_code, idempotency_key, request_hash, created_at, updated_at,
                       started_at, finished_at, pruned_at)
     SELECT id, tenant_id, project, name, kind, labels, document, status, reason, placement, site, allocation,
            handle, exit_code, idempotency_key, request_hash, created_at, updated_at, started_at, finished_at,
            pruned_at
       FROM jsonb_to_recordset($1::jsonb) AS j(id text, tenant_id text, project text, name text, kind text,
            labels jsonb, document jsonb, status text, reason text, placement jsonb, site text, allocation jsonb,
            handle text, exit_code integer, idempotency_key text, request_hash text, created_at timestamptz,
            updated_at timestamptz, started_at timestamptz, finished_at timestamptz, pruned_at timestamptz)
      ORDER BY id
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [toJsonParam(rows)],
  );
  return inserted.map((row) => text(row, 'id'));
}

export async function insertImportedEvents(
  sql: SqlClient,
  events: readonly JobEventRecord[],
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({ job_id: e.jobId, seq: e.seq, at: e.at, type: e.type, data: e.data }));
  const inserted = await sql.query(
    `INSERT INTO job_events (job_id, seq, at, type, data)
     SELECT job_id, seq, at, type, coalesce(data, 'null'::jsonb)
       FROM jsonb_to_recordset($1::jsonb) AS e(job_id text, seq integer, at timestamptz, type text, data jsonb)
     ON CONFLICT DO NOTHING
     RETURNING 1`,
    [toJsonParam(rows)],
  );
  return inserted.length;
}

export async function insertForeignAuditKey(
  sql: SqlClient,
  keyId: string,
  publicKeyPem: string,
  at: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO foreign_audit_keys (key_id, public_key, imported_at) VALUES ($1, $2, $3::timestamptz)
     ON CONFLICT DO NOTHING`,
    [keyId, publicKeyPem, toTimestampParam(at, 'imported_at')],
  );
}

const FOREIGN_TABLES: Record<ForeignAuditKind, string> = {
  entries: 'foreign_audit_entries',
  checkpoints: 'foreign_audit_checkpoints',
  erasures: 'foreign_audit_erasures',
};

export async function insertForeignAudit(
  sql: SqlClient,
  keyId: string,
  tenantId: string,
  kind: ForeignAuditKind,
  lines: readonly ForeignAuditLine[],
): Promise<number> {
  if (lines.length === 0) return 0;
  const inserted = await sql.query(
    `INSERT INTO ${FOREIGN_TABLES[kind]} (key_id, tenant_id, position, line)
     SELECT $1, $2, p, l FROM unnest($3::integer[], $4::text[]) AS u(p, l)
     ON CONFLICT DO NOTHING
     RETURNING 1`,
    [keyId, tenantId, lines.map((l) => l.position), lines.map((l) => l.line)],
  );
  return inserted.length;
}

export async function selectForeignAuditKeys(
  sql: SqlClient,
  tenantId: string,
): Promise<{ keyId: string; publicKeyPem: string }[]> {
  const rows = await sql.query(
    `SELECT k.key_id, k.public_key FROM foreign_audit_keys k
      WHERE EXISTS (SELECT 1 FROM foreign_audit_entries e WHERE e.key_id = k.key_id AND e.tenant_id = $1)
      ORDER BY k.key_id`,
    [tenantId],
  );
  return rows.map((row) => ({ keyId: text(row, 'key_id'), publicKeyPem: text(row, 'public_key') }));
}

export async function selectForeignAudit(
  sql: SqlClient,
  keyId: string,
  tenantId: string,
  kind: ForeignAuditKind,
  afterPosition: number,
  limit: number,
): Promise<ForeignAuditLine[]> {
  const rows = await sql.query(
    `SELECT position, line FROM ${FOREIGN_TABLES[kind]}
      WHERE key_id = $1 AND tenant_id = $2 AND position > $3 ORDER BY position LIMIT $4`,
    [keyId, tenantId, afterPosition, limit],
  );
  return rows.map((row) => ({ position: integer(row, 'position'), line: text(row, 'line') }));
}

/** A tenant's services, deleted ones too, oldest first. */
export async function selectTenantServices(sql: SqlClient, tenantId: string): Promise<ServiceRecord[]> {
  const rows = await sql.query('SELECT * FROM services WHERE tenant_id = $1 ORDER BY created_at, id', [
    tenantId,
  ]);
  return rows.map(readService);
}
