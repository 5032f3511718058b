import type { TenantRecord } from '../app/ports/records.js';
import { readTenant } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toTimestampParam } from './sql-values.js';

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

/** The tenant, locked until the transaction ends: what changes its key count waits its turn. */
export async function selectTenantForUpdate(sql: SqlClient, id: string): Promise<TenantRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM tenants WHERE id = $1 FOR UPDATE', [id]);
  return row && readTenant(row);
}

export async function selectTenantByName(sql: SqlClient, name: string): Promise<TenantRecord | undefined> {
  const [row] = await sql.query('SELECT * FROM tenants WHERE name = $1', [name]);
  return row && readTenant(row);
}

export async function selectTenants(sql: SqlClient): Promise<TenantRecord[]> {
  return (await sql.query('SELECT * FROM tenants ORDER BY created_at, id')).map(readTenant);
}
