import { readBytes } from './read-fleet-rows.js';
import { integer } from './read-rows.js';
import type { SqlClient } from './sql-client.js';

/**
 * Appends a chunk where the shipped output ends, in one statement: a chunk at any other offset
 * is not written (one already held is a replay; one past the end would leave a gap). Returns
 * the end of the shipped output after the call, so the agent knows where to go on.
 */
export async function insertLaunchLog(
  sql: SqlClient,
  jobId: string,
  offset: number,
  data: Uint8Array,
): Promise<number> {
  const [row] = await sql.query(
    `WITH shipped AS (
       SELECT coalesce(max(byte_offset + length(data)), 0) AS end_offset FROM launch_logs WHERE job_id = $1
     ), added AS (
       INSERT INTO launch_logs (job_id, byte_offset, data)
       SELECT $1::text, $2::bigint, $3::bytea FROM shipped WHERE shipped.end_offset = $2::bigint
       ON CONFLICT (job_id, byte_offset) DO NOTHING
       RETURNING byte_offset + length(data) AS end_offset
     )
     SELECT coalesce((SELECT end_offset FROM added), (SELECT end_offset FROM shipped)) AS end_offset`,
    [jobId, offset, data],
  );
  return row ? integer(row, 'end_offset') : 0;
}

/** The chunks that hold bytes at or after `offset`, in order, until about `maxBytes`. */
export async function selectLaunchLog(
  sql: SqlClient,
  jobId: string,
  offset: number,
  maxBytes: number,
): Promise<{ offset: number; data: Uint8Array }[]> {
  const rows = await sql.query(
    `SELECT byte_offset, data FROM launch_logs
     WHERE job_id = $1 AND byte_offset + length(data) > $2::bigint
       AND byte_offset < $2::bigint + $3::bigint
     ORDER BY byte_offset`,
    [jobId, offset, maxBytes],
  );
  return rows.map((row) => ({ offset: integer(row, 'byte_offset'), data: readBytes(row, 'data') }));
}
