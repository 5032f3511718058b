import type { JobRecord } from '../app/ports/records.js';
import type { UsageRecord } from '../domain/metering/usage-record.js';
import { MODEL_LABEL } from '../domain/jobs/labels.js';
import { readJob } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toTimestampParam } from './sql-values.js';
import { readUsage, USAGE_READ_COLUMNS } from './usage-queries.js';

export async function selectModelJobs(sql: SqlClient, tenantId: string, model: string): Promise<JobRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM jobs
      WHERE tenant_id = $1 AND (document -> 'metadata' ->> 'model' = $2 OR labels ->> $3 = $2)
      ORDER BY created_at, id`,
    [tenantId, model, MODEL_LABEL],
  );
  return rows.map(readJob);
}

export async function selectUsageOfJobs(
  sql: SqlClient,
  jobIds: readonly string[],
  from: string | null,
  to: string | null,
): Promise<UsageRecord[]> {
  if (jobIds.length === 0) return [];
  const rows = await sql.query(
    `SELECT ${USAGE_READ_COLUMNS} FROM usage_records
      WHERE job_id = ANY($1::text[])
        AND ($2::timestamptz IS NULL OR started_at >= $2::timestamptz)
        AND ($3::timestamptz IS NULL OR started_at < $3::timestamptz)
      ORDER BY id`,
    [[...jobIds], from && toTimestampParam(from, 'from'), to && toTimestampParam(to, 'to')],
  );
  return rows.map(readUsage);
}
