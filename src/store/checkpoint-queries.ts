import type { SignedCheckpoint, SignedTenantCheckpoint } from '../domain/audit/checkpoint.js';
import type { TenantHead } from '../app/ports/audit-store.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';

/**
 * Keeps a checkpoint and the tenant checkpoints signed with it, in the caller's transaction;
 * one already kept (another replica signed the same count) is left as it is.
 */
export async function insertCheckpoint(
  sql: SqlClient,
  checkpoint: SignedCheckpoint,
  tenants: readonly SignedTenantCheckpoint[],
): Promise<void> {
  await sql.query(
    `INSERT INTO audit_checkpoints (count, head_hash, at, key_id, signature)
     VALUES ($1, $2, $3::timestamptz, $4, $5) ON CONFLICT (count) DO NOTHING`,
    [
      checkpoint.count,
      checkpoint.headHash,
      toTimestampParam(checkpoint.at, 'checkpoint.at'),
      checkpoint.keyId,
      checkpoint.signature,
    ],
  );
  if (tenants.length === 0) return;
  await sql.query(
    `INSERT INTO audit_tenant_checkpoints (tenant_id, count, head, at, key_id, signature, through_seq)
     SELECT t->>'tenantId', (t->>'count')::bigint, t->>'head', (t->>'at')::timestamptz, t->>'keyId',
            t->>'signature', $2
     FROM jsonb_array_elements($1::jsonb) AS t
     ON CONFLICT (tenant_id, count) DO NOTHING`,
    [toJsonParam(tenants), checkpoint.count],
  );
}

/** Checkpoints with a count above `afterCount`, oldest first. */
export async function selectCheckpoints(
  sql: SqlClient,
  afterCount: number,
  limit: number,
): Promise<SignedCheckpoint[]> {
  const rows = await sql.query<Record<string, unknown>>(
    'SELECT * FROM audit_checkpoints WHERE count > $1 ORDER BY count LIMIT $2',
    [afterCount, limit],
  );
  return rows.map((row) => ({
    count: Number(row['count']),
    headHash: String(row['head_hash']),
    at: readInstant(row['at']),
    keyId: String(row['key_id']),
    signature: String(row['signature']),
  }));
}

/** One tenant's checkpoints, oldest first. */
export async function selectTenantCheckpoints(
  sql: SqlClient,
  tenantId: string,
  afterCount: number,
  limit: number,
): Promise<SignedTenantCheckpoint[]> {
  const rows = await sql.query<Record<string, unknown>>(
    'SELECT * FROM audit_tenant_checkpoints WHERE tenant_id = $1 AND count > $2 ORDER BY count LIMIT $3',
    [tenantId, afterCount, limit],
  );
  return rows.map(readTenantCheckpoint);
}

export async function selectLastTenantCheckpoint(
  sql: SqlClient,
  tenantId: string,
): Promise<SignedTenantCheckpoint | undefined> {
  const rows = await sql.query<Record<string, unknown>>(
    'SELECT * FROM audit_tenant_checkpoints WHERE tenant_id = $1 ORDER BY count DESC LIMIT 1',
    [tenantId],
  );
  return rows.map(readTenantCheckpoint)[0];
}

/**
 * Each tenant's latest checkpoint signed with a checkpoint at or before `throughSeq`: the
 * tenant heads to fold on from when verification resumes at that checkpoint.
 */
export async function selectTenantHeads(sql: SqlClient, throughSeq: number): Promise<TenantHead[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT DISTINCT ON (tenant_id) * FROM audit_tenant_checkpoints
     WHERE through_seq <= $1 ORDER BY tenant_id, count DESC`,
    [throughSeq],
  );
  return rows.map((row) => ({ ...readTenantCheckpoint(row), throughSeq: Number(row['through_seq']) }));
}

function readTenantCheckpoint(row: Record<string, unknown>): SignedTenantCheckpoint {
  return {
    tenantId: String(row['tenant_id']),
    count: Number(row['count']),
    head: String(row['head']),
    at: readInstant(row['at']),
    keyId: String(row['key_id']),
    signature: String(row['signature']),
  };
}

function readInstant(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}
