import type { ExportedJob, JobPosition, LogChunk } from '../app/ports/exchange-store.js';
import type { JobEventRecord } from '../app/ports/records.js';
import type { UsageRecord } from '../domain/metering/usage-record.js';
import { readBytes } from './read-fleet-rows.js';
import { integer, readJob, readJobEvent, text } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toTimestampParam } from './sql-values.js';
import { readUsage, USAGE_READ_COLUMNS } from './usage-queries.js';

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

export async function selectUsageAfter(
  sql: SqlClient,
  tenantId: string,
  afterId: number,
  limit: number,
): Promise<{ id: number; record: UsageRecord }[]> {
  const rows = await sql.query(
    `SELECT id, ${USAGE_READ_COLUMNS} FROM usage_records
      WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [tenantId, afterId, limit],
  );
  return rows.map((row) => ({ id: integer(row, 'id'), record: readUsage(row) }));
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
