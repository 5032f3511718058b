import type { NodeRecord } from '../app/ports/fleet-store.js';
import { readNode } from './read-fleet-rows.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';

/** A node's registration replaces the last one (a restarted agent, a new inventory). */
export async function upsertNode(
  sql: SqlClient,
  node: Omit<NodeRecord, 'state' | 'lastHeartbeatAt'>,
): Promise<NodeRecord> {
  const at = toTimestampParam(node.registeredAt, 'node.registeredAt');
  const [row] = await sql.query(
    `INSERT INTO nodes (site, name, gpus, cpus, memory_mib, agent_id, agent_version, registered_at,
                        last_heartbeat_at, state)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::timestamptz, $8::timestamptz, 'ready')
     ON CONFLICT (site, name) DO UPDATE SET
       gpus = EXCLUDED.gpus, cpus = EXCLUDED.cpus, memory_mib = EXCLUDED.memory_mib,
       agent_id = EXCLUDED.agent_id, agent_version = EXCLUDED.agent_version,
       registered_at = EXCLUDED.registered_at, last_heartbeat_at = EXCLUDED.last_heartbeat_at,
       state = 'ready'
     RETURNING *`,
    [
      node.site,
      node.name,
      toJsonParam(node.gpus),
      node.cpus,
      node.memoryMiB,
      node.agentId,
      node.agentVersion,
      at,
    ],
  );
  if (!row) throw new Error(`store: node ${node.site}/${node.name} was not written`);
  return readNode(row);
}

export async function updateNodeHeartbeat(
  sql: SqlClient,
  site: string,
  name: string,
  agentId: string,
  at: string,
): Promise<NodeRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE nodes SET last_heartbeat_at = greatest(last_heartbeat_at, $4::timestamptz), state = 'ready'
     WHERE site = $1 AND name = $2 AND agent_id = $3 RETURNING *`,
    [site, name, agentId, toTimestampParam(at, 'heartbeat.at')],
  );
  return row && readNode(row);
}

export async function selectNodes(sql: SqlClient, site?: string): Promise<NodeRecord[]> {
  const rows =
    site === undefined
      ? await sql.query('SELECT * FROM nodes ORDER BY site, name')
      : await sql.query('SELECT * FROM nodes WHERE site = $1 ORDER BY name', [site]);
  return rows.map(readNode);
}

/**
 * Nodes of the site silent since before `cutoff` become `unreachable`, and their open launches
 * `lost` with the reason given, in the caller's transaction: a node is marked once, and its
 * launches with it (a launch assigned to it later is found lost by the executor).
 */
export async function markUnreachable(
  sql: SqlClient,
  site: string,
  cutoff: string,
  at: string,
  reason: (node: NodeRecord) => string,
): Promise<NodeRecord[]> {
  const rows = await sql.query(
    `UPDATE nodes SET state = 'unreachable'
     WHERE site = $1 AND state = 'ready' AND last_heartbeat_at < $2::timestamptz RETURNING *`,
    [site, toTimestampParam(cutoff, 'cutoff')],
  );
  const nodes = rows.map(readNode);
  for (const node of nodes) {
    await sql.query(
      `UPDATE launches SET state = 'lost', reason = $3, finished_at = $4::timestamptz,
                           updated_at = $4::timestamptz
       WHERE site = $1 AND node = $2 AND state IN ('assigned', 'claimed', 'running')`,
      [node.site, node.name, reason(node), toTimestampParam(at, 'at')],
    );
  }
  return nodes;
}
