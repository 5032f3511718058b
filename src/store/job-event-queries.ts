import type { JobEventRecord } from '../app/ports/records.js';
import { readJobEvent } from './read-rows.js';
import { lockForTransaction, type SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';

/**
 * Appends the job's next event. A transaction-scoped advisory lock per job serialises
 * writers on PostgreSQL (PGlite runs one transaction at a time anyway), so seq is 1, 2, 3… without gaps; the primary key (job_id, seq) would refuse a
 * duplicate anyway.
 */
export async function insertJobEvent(
  sql: SqlClient,
  jobId: string,
  at: string,
  type: string,
  data: unknown,
): Promise<JobEventRecord> {
  await lockForTransaction(sql, `usine.job-events/${jobId}`);
  const [row] = await sql.query(
    `INSERT INTO job_events (job_id, seq, at, type, data)
     SELECT $1, coalesce(max(seq), 0) + 1, $2::timestamptz, $3, $4::jsonb FROM job_events WHERE job_id = $1
     RETURNING *`,
    [jobId, toTimestampParam(at, 'event.at'), type, toJsonParam(data)],
  );
  if (!row) throw new Error(`store: no event row returned for job ${jobId}`);
  return readJobEvent(row);
}

export async function selectJobEvents(
  sql: SqlClient,
  jobId: string,
  afterSeq: number,
  limit: number,
): Promise<JobEventRecord[]> {
  const rows = await sql.query(
    'SELECT * FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [jobId, afterSeq, limit],
  );
  return rows.map(readJobEvent);
}
