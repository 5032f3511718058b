import type { PruneBatch, PrunedJob } from '../app/ports/retention-store.js';
import { integer } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toTimestampParam } from './sql-values.js';

const FINAL = `('succeeded', 'failed', 'cancelled', 'preempted', 'unplaceable')`;

/**
 * One statement: the jobs taken (locked, so two pruners never take one twice), their events
 * and logs deleted (the append-only triggers let this transaction, migration 16), the jobs
 * marked. The data-modifying parts of a WITH all see the rows `picked` locked.
 */
export async function pruneFinishedJobs(
  sql: SqlClient,
  before: string,
  limit: number,
  at: string,
): Promise<PruneBatch> {
  await sql.query(`SELECT set_config('usine.pruning', 'on', true)`);
  const [row] = await sql.query(
    `WITH picked AS (
       SELECT id, tenant_id, site, handle FROM jobs
        WHERE pruned_at IS NULL AND status IN ${FINAL} AND updated_at < $1::timestamptz
        ORDER BY updated_at, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     ), events AS (
       DELETE FROM job_events e USING picked p WHERE e.job_id = p.id RETURNING 1
     ), logs AS (
       DELETE FROM launch_logs l USING picked p WHERE l.job_id = p.id RETURNING length(l.data) AS bytes
     ), marked AS (
       UPDATE jobs j SET pruned_at = $3::timestamptz FROM picked p WHERE j.id = p.id
     )
     SELECT (SELECT count(*) FROM events)::integer AS events,
            (SELECT count(*) FROM logs)::integer AS log_chunks,
            (SELECT coalesce(sum(bytes), 0) FROM logs)::bigint AS log_bytes,
            (SELECT coalesce(json_agg(json_build_object('id', id, 'tenantId', tenant_id, 'site', site, 'handle', handle)
                       ORDER BY id), '[]'::json) FROM picked) AS jobs`,
    [toTimestampParam(before, 'before'), limit, toTimestampParam(at, 'at')],
  );
  if (!row) throw new Error('pruneFinishedJobs: no row');
  const jobs = (typeof row['jobs'] === 'string' ? JSON.parse(row['jobs']) : row['jobs']) as PrunedJob[];
  return {
    jobs,
    events: integer(row, 'events'),
    logChunks: integer(row, 'log_chunks'),
    logBytes: integer(row, 'log_bytes'),
  };
}
