import {
  LAUNCH_STATES,
  type LaunchOrder,
  type LaunchRecord,
  type NodeGpu,
  type NodeRecord,
} from '../app/ports/fleet-store.js';
import {
  badColumn,
  instant,
  integer,
  nullableInstant,
  nullableText,
  oneOf,
  text,
  type Row,
} from './read-rows.js';

/** Rows of the fleet's tables (migration 0004) → records, every column checked. */
export function readNode(row: Row): NodeRecord {
  return {
    site: text(row, 'site'),
    name: text(row, 'name'),
    gpus: gpus(row, 'gpus'),
    cpus: integer(row, 'cpus'),
    memoryMiB: integer(row, 'memory_mib'),
    agentId: text(row, 'agent_id'),
    agentVersion: text(row, 'agent_version'),
    registeredAt: instant(row, 'registered_at'),
    lastHeartbeatAt: instant(row, 'last_heartbeat_at'),
    state: oneOf(row, 'state', ['ready', 'unreachable'] as const),
  };
}

export function readLaunch(row: Row): LaunchRecord {
  const request = row['request'];
  if (request === null || typeof request !== 'object') throw badColumn('request', request);
  return {
    jobId: text(row, 'job_id'),
    site: text(row, 'site'),
    node: text(row, 'node'),
    request: request as LaunchOrder,
    state: oneOf(row, 'state', LAUNCH_STATES),
    exitCode: row['exit_code'] === null ? null : integer(row, 'exit_code'),
    reason: nullableText(row, 'reason'),
    agentId: nullableText(row, 'agent_id'),
    agentHandle: nullableText(row, 'agent_handle'),
    cancelRequestedAt: nullableInstant(row, 'cancel_requested_at'),
    assignedAt: instant(row, 'assigned_at'),
    claimedAt: nullableInstant(row, 'claimed_at'),
    startedAt: nullableInstant(row, 'started_at'),
    finishedAt: nullableInstant(row, 'finished_at'),
    updatedAt: instant(row, 'updated_at'),
    logBytes: integer(row, 'log_bytes'),
    endpoint: nullableText(row, 'endpoint'),
  };
}

/** bytea: a Buffer from node-postgres, a Uint8Array from PGlite. */
export function readBytes(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw badColumn(column, value);
  return value;
}

function gpus(row: Row, column: string): NodeGpu[] {
  const value = row[column];
  if (!Array.isArray(value)) throw badColumn(column, value);
  return value as NodeGpu[];
}
