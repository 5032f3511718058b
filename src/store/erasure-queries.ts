import type { ErasedDocument } from '../app/ports/erasure-store.js';
import type { ErasedEntry } from '../domain/audit/erasure.js';
import { ERASED_KEY } from '../domain/audit/erasure.js';
import { integer, text } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam } from './sql-values.js';

/** The append-only triggers let this transaction replace audit data and delete logs (migration 14). */
async function allowErasure(sql: SqlClient): Promise<void> {
  await sql.query(`SELECT set_config('usine.erasing', 'on', true)`);
}

export async function updateErasedJobs(sql: SqlClient, jobs: readonly ErasedDocument[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const rows = await sql.query(
    `UPDATE jobs j SET name = r.name, labels = r.labels, document = r.document, placement = r.placement
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, labels jsonb, document jsonb, placement jsonb)
      WHERE j.id = r.id
     RETURNING 1`,
    [toJsonParam(jobs)],
  );
  return rows.length;
}

export async function updateLaunchEnv(sql: SqlClient, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const rows = await sql.query(
    `UPDATE launches SET request = jsonb_set(request, '{env}',
        (SELECT coalesce(jsonb_object_agg(k, to_jsonb('[erased]'::text)), '{}'::jsonb) FROM jsonb_object_keys(request -> 'env') k))
      WHERE job_id = ANY($1::text[]) AND jsonb_typeof(request -> 'env') = 'object' AND request -> 'env' <> '{}'::jsonb
     RETURNING 1`,
    [[...jobIds]],
  );
  return rows.length;
}

export async function deleteJobLogs(sql: SqlClient, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  await allowErasure(sql);
  const rows = await sql.query('DELETE FROM launch_logs WHERE job_id = ANY($1::text[]) RETURNING 1', [
    [...jobIds],
  ]);
  return rows.length;
}

export async function selectTenantServiceDocuments(
  sql: SqlClient,
  tenantId: string,
): Promise<{ serviceId: string; revision: number | null; document: unknown }[]> {
  const rows = await sql.query(
    `SELECT id AS service_id, NULL::integer AS revision, document FROM services WHERE tenant_id = $1
     UNION ALL
     SELECT r.service_id, r.revision, r.document FROM service_revisions r
       JOIN services s ON s.id = r.service_id WHERE s.tenant_id = $1
     ORDER BY service_id, revision NULLS FIRST`,
    [tenantId],
  );
  return rows.map((row) => ({
    serviceId: text(row, 'service_id'),
    revision: row['revision'] === null ? null : integer(row, 'revision'),
    document: row['document'],
  }));
}

export async function updateServiceDocument(
  sql: SqlClient,
  serviceId: string,
  revision: number | null,
  document: unknown,
): Promise<void> {
  if (revision === null)
    await sql.query('UPDATE services SET document = $2::jsonb WHERE id = $1', [
      serviceId,
      toJsonParam(document),
    ]);
  else
    await sql.query(
      'UPDATE service_revisions SET document = $3::jsonb WHERE service_id = $1 AND revision = $2',
      [serviceId, revision, toJsonParam(document)],
    );
}

export async function applyAuditErasure(
  sql: SqlClient,
  tenantId: string,
  entries: readonly ErasedEntry[],
): Promise<number> {
  if (entries.length === 0) return 0;
  await allowErasure(sql);
  const columns = [
    entries.map((e) => e.seq),
    entries.map((e) => e.erasureId),
    entries.map((e) => e.hash),
    entries.map((e) => e.dataSha256),
  ];
  const listed = await sql.query(
    `INSERT INTO audit_erasures (seq, erasure_id, tenant_id, entry_hash, data_sha256)
     SELECT s, e, $5, h, d FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(s, e, h, d)
     ON CONFLICT DO NOTHING
     RETURNING seq`,
    [...columns, tenantId],
  );
  await sql.query(
    `UPDATE audit_log a SET data = jsonb_build_object($6::text, jsonb_build_object('erasure', u.e, 'sha256', u.d))
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(s, e, h, d)
      WHERE a.seq = u.s AND a.hash = u.h AND a.tenant_id = $5`,
    [...columns, tenantId, ERASED_KEY],
  );
  return listed.length;
}

export async function selectAuditErasures(sql: SqlClient, tenantId?: string): Promise<ErasedEntry[]> {
  const rows = await sql.query(
    `SELECT seq, erasure_id, entry_hash, data_sha256 FROM audit_erasures
      WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY seq`,
    [tenantId ?? null],
  );
  return rows.map((row) => ({
    seq: integer(row, 'seq'),
    erasureId: text(row, 'erasure_id'),
    hash: text(row, 'entry_hash'),
    dataSha256: text(row, 'data_sha256'),
  }));
}
