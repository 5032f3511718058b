import type { LaunchOrder, LaunchRecord, LaunchReport } from '../app/ports/fleet-store.js';
import { readLaunch } from './read-fleet-rows.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toNullableTimestampParam, toTimestampParam } from './sql-values.js';

/** Every launch read comes with how many bytes of its output were shipped. */
const LOG_BYTES = `(SELECT coalesce(max(g.byte_offset + length(g.data)), 0) FROM launch_logs g
                    WHERE g.job_id = launches.job_id) AS log_bytes`;
const OPEN = `('assigned', 'claimed', 'running')`;

/**
 * The job's launch on the node, once: the primary key on job_id makes a second call (a
 * reconciler that crashed before storing the handle, another replica) return the first launch.
 */
export async function insertLaunch(
  sql: SqlClient,
  jobId: string,
  site: string,
  node: string,
  request: LaunchOrder,
  at: string,
): Promise<LaunchRecord> {
  const time = toTimestampParam(at, 'launch.at');
  await sql.query(
    `INSERT INTO launches (job_id, site, node, request, state, assigned_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, 'assigned', $5::timestamptz, $5::timestamptz)
     ON CONFLICT (job_id) DO NOTHING`,
    [jobId, site, node, toJsonParam(request), time],
  );
  const launch = await selectLaunch(sql, jobId);
  if (!launch) throw new Error(`store: launch of ${jobId} vanished`);
  return launch;
}

export async function selectLaunch(sql: SqlClient, jobId: string): Promise<LaunchRecord | undefined> {
  const [row] = await sql.query(`SELECT *, ${LOG_BYTES} FROM launches WHERE job_id = $1`, [jobId]);
  return row && readLaunch(row);
}

/**
 * The claim is one statement (graphile-worker's getJobs): the subquery locks up to `limit`
 * assigned rows of the node that no other claim holds, the UPDATE stamps them with the agent.
 * Two agents (or one agent's two requests) never get the same launch.
 */
export async function claimNodeLaunches(
  sql: SqlClient,
  site: string,
  node: string,
  agentId: string,
  limit: number,
  at: string,
): Promise<LaunchRecord[]> {
  const rows = await sql.query(
    `UPDATE launches SET state = 'claimed', agent_id = $3, claimed_at = $5::timestamptz,
                         updated_at = $5::timestamptz
     WHERE job_id IN (
       SELECT job_id FROM launches WHERE site = $1 AND node = $2 AND state = 'assigned'
       ORDER BY assigned_at, job_id LIMIT $4 FOR UPDATE SKIP LOCKED)
     RETURNING *, 0 AS log_bytes`,
    [site, node, agentId, limit, toTimestampParam(at, 'claim.at')],
  );
  return rows.map(readLaunch).sort((a, b) => a.assignedAt.localeCompare(b.assignedAt));
}

export async function selectOpenLaunches(
  sql: SqlClient,
  site: string,
  node: string,
): Promise<LaunchRecord[]> {
  const rows = await sql.query(
    `SELECT *, ${LOG_BYTES} FROM launches
     WHERE site = $1 AND node = $2 AND state IN ('claimed', 'running') ORDER BY assigned_at, job_id`,
    [site, node],
  );
  return rows.map(readLaunch);
}

/**
 * Applies an agent's report while the launch is open and that agent's: `running` only from
 * `claimed`, a final state from `claimed` or `running`. Nothing moves a final launch again.
 */
export async function updateLaunchReport(
  sql: SqlClient,
  jobId: string,
  agentId: string,
  report: LaunchReport,
  at: string,
): Promise<LaunchRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE launches SET state = $3, exit_code = $4, reason = $5,
                         agent_handle = coalesce($6, agent_handle),
                         started_at = coalesce(started_at, $7::timestamptz),
                         finished_at = $8::timestamptz, updated_at = $9::timestamptz,
                         endpoint = coalesce($10, endpoint)
     WHERE job_id = $1 AND agent_id = $2
       AND (state = 'claimed' OR (state = 'running' AND $3 <> 'running'))
     RETURNING *, ${LOG_BYTES}`,
    [
      jobId,
      agentId,
      report.state,
      report.exitCode,
      report.reason,
      report.agentHandle,
      toNullableTimestampParam(report.startedAt, 'report.startedAt'),
      toNullableTimestampParam(report.finishedAt, 'report.finishedAt'),
      toTimestampParam(at, 'report.at'),
      report.endpoint ?? null,
    ],
  );
  return row && readLaunch(row);
}

export async function updateLaunchCancel(
  sql: SqlClient,
  jobId: string,
  at: string,
): Promise<LaunchRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE launches SET
       state = CASE WHEN state = 'assigned' THEN 'cancelled' ELSE state END,
       reason = CASE WHEN state = 'assigned' THEN 'cancelled before it started' ELSE reason END,
       finished_at = CASE WHEN state = 'assigned' THEN $2::timestamptz ELSE finished_at END,
       cancel_requested_at = coalesce(cancel_requested_at, $2::timestamptz),
       updated_at = $2::timestamptz
     WHERE job_id = $1 AND state IN ${OPEN}
     RETURNING *, ${LOG_BYTES}`,
    [jobId, toTimestampParam(at, 'cancel.at')],
  );
  return row && readLaunch(row);
}

/** A launch still open on a node known unreachable: lost, with the reason. */
export async function updateLaunchLost(
  sql: SqlClient,
  jobId: string,
  reason: string,
  at: string,
): Promise<LaunchRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE launches SET state = 'lost', reason = $2, finished_at = $3::timestamptz, updated_at = $3::timestamptz
     WHERE job_id = $1 AND state IN ${OPEN} RETURNING *, ${LOG_BYTES}`,
    [jobId, reason, toTimestampParam(at, 'lost.at')],
  );
  return row && readLaunch(row);
}
