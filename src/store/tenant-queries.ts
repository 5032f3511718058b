import type { ApiKeyRecord, Role, TenantRecord } from '../app/ports/records.js';
import { readApiKey, readTenant } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toNullableTimestampParam, toTimestampParam } from './sql-values.js';

export async function insertTenant(sql: SqlClient, tenant: TenantRecord): Promise<void> {
  await sql.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3::timestamptz)', [
    tenant.id,
    tenant.name,
    toTimestampParam(tenant.createdAt, 'tenant.createdAt'),
  ]);
}

export async function selectTenant(sql: SqlClient, id: string): Promise<TenantRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM tenants WHERE id = $1', [id]);
  return row && readTenant(row);
}

export async function selectTenantByName(sql: SqlClient, name: string): Promise<TenantRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM tenants WHERE name = $1', [name]);
  return row && readTenant(row);
}

export async function selectTenants(sql: SqlClient): Promise<TenantRecord[]> {
  return (await sql.query('SELECT * FROM tenants ORDER BY created_at, id')).map(readTenant);
}

export async function insertApiKey(sql: SqlClient, key: ApiKeyRecord): Promise<void> {
  await sql.query(
    `INSERT INTO api_keys (id, tenant_id, role, project, secret_hash, created_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz)`,
    [
      key.id,
      key.tenantId,
      key.role,
      key.project,
      key.secretHash,
      toTimestampParam(key.createdAt, 'apiKey.createdAt'),
      toNullableTimestampParam(key.revokedAt, 'apiKey.revokedAt'),
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

/** Every key ever created, revoked ones included (so a revoked admin key is not re-created). */
export async function countApiKeys(sql: SqlClient, role?: Role): Promise<number> {
  const [row] =
    role === undefined
      ? await sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM api_keys')
      : await sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM api_keys WHERE role = $1', [role]);
  return Number(row?.n ?? 0);
}
