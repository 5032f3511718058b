import type { ApiKeyRecord, Role } from '../app/ports/records.js';
import { readApiKey } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toNullableTimestampParam, toTimestampParam } from './sql-values.js';

export async function insertApiKey(sql: SqlClient, key: ApiKeyRecord): Promise<void> {
  await sql.query(
    `INSERT INTO api_keys (id, tenant_id, role, project, site, secret_hash, created_at, expires_at,
                           revoked_at, last_used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9::timestamptz, $10::timestamptz)`,
    [
      key.id,
      key.tenantId,
      key.role,
      key.project,
      key.site,
      key.secretHash,
      toTimestampParam(key.createdAt, 'apiKey.createdAt'),
      toNullableTimestampParam(key.expiresAt, 'apiKey.expiresAt'),
      toNullableTimestampParam(key.revokedAt, 'apiKey.revokedAt'),
      toNullableTimestampParam(key.lastUsedAt, 'apiKey.lastUsedAt'),
    ],
  );
}

export async function selectApiKeyByHash(
  sql: SqlClient,
  secretHash: string,
): Promise<ApiKeyRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM api_keys WHERE secret_hash = $1', [secretHash]);
  return row && readApiKey(row);
}

export async function selectApiKey(sql: SqlClient, id: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM api_keys WHERE id = $1', [id]);
  return row && readApiKey(row);
}

/** A tenant's keys, or (tenantId null) the operator's: admin and site credentials. Oldest first. */
export async function selectApiKeys(sql: SqlClient, tenantId: string | null): Promise<ApiKeyRecord[]> {
  const rows =
    tenantId === null
      ? await sql.query('SELECT * FROM api_keys WHERE tenant_id IS NULL ORDER BY created_at, id')
      : await sql.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]);
  return rows.map(readApiKey);
}

/** Every key ever created, revoked ones included (so a revoked admin key is not re-created). */
export async function countApiKeys(sql: SqlClient, role?: Role): Promise<number> {
  const [row] =
    role === undefined
      ? await sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM api_keys')
      : await sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM api_keys WHERE role = $1', [role]);
  return Number(row?.n ?? 0);
}

/** A tenant's keys that still work at `at`: neither revoked nor expired. */
export async function countLiveApiKeys(sql: SqlClient, tenantId: string, at: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM api_keys
     WHERE tenant_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2::timestamptz)`,
    [tenantId, toTimestampParam(at, 'at')],
  );
  return Number(row?.n ?? 0);
}

/** Revokes the key unless it already is; false when it was already revoked (or is unknown). */
export async function updateApiKeyRevoked(sql: SqlClient, id: string, at: string): Promise<boolean> {
  const rows = await sql.query(
    'UPDATE api_keys SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id, toTimestampParam(at, 'revokedAt')],
  );
  return rows.length > 0;
}

/** Brings the key's expiry forward to `at` (never pushes it later). */
export async function updateApiKeyExpiry(sql: SqlClient, id: string, at: string): Promise<void> {
  await sql.query(
    `UPDATE api_keys SET expires_at = LEAST(coalesce(expires_at, $2::timestamptz), $2::timestamptz)
     WHERE id = $1`,
    [id, toTimestampParam(at, 'expiresAt')],
  );
}

/** Stamps the keys' last use, never moving it back. */
export async function updateApiKeysLastUsed(
  sql: SqlClient,
  ids: readonly string[],
  at: string,
): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE api_keys SET last_used_at = $2::timestamptz
     WHERE id = ANY($1::text[]) AND (last_used_at IS NULL OR last_used_at < $2::timestamptz)`,
    [ids, toTimestampParam(at, 'lastUsedAt')],
  );
}
