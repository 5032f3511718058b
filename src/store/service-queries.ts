import type {
  TokenTotals,
  TokenUsageRow,
  CreateServiceResult,
  RoutedService,
  ServiceEventRecord,
  ServiceRecord,
} from '../app/ports/service-store.js';
import type { JobRecord } from '../app/ports/records.js';
import { SERVICE_LABEL } from '../domain/jobs/labels.js';
import {
  instant,
  integer,
  nullableInstant,
  nullableText,
  oneOf,
  readJob,
  text,
  type Row,
} from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';

/** Statements on services (migration 0011); replicas are rows of `jobs` labelled with the service id. */

export async function insertService(
  sql: SqlClient,
  service: Omit<ServiceRecord, 'replicaSeq' | 'deletedAt'>,
): Promise<CreateServiceResult> {
  const at = toTimestampParam(service.createdAt, 'service.createdAt');
  const [row] = await sql.query(
    `WITH created AS (
       INSERT INTO services (id, tenant_id, project, name, revision, document, request_hash,
                             desired_replicas, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, 'active', $9::timestamptz, $9::timestamptz)
       ON CONFLICT (tenant_id, name) WHERE state = 'active' DO NOTHING
       RETURNING *
     ), revision AS (
       INSERT INTO service_revisions (service_id, revision, document, request_hash, created_at)
       SELECT id, revision, document, request_hash, created_at FROM created
     )
     SELECT * FROM created`,
    [
      service.id,
      service.tenantId,
      service.project,
      service.name,
      service.revision,
      toJsonParam(service.document),
      service.requestHash,
      service.desiredReplicas,
      at,
    ],
  );
  if (row) return { outcome: 'created', service: readService(row) };
  const existing = await selectService(sql, service.tenantId, service.name);
  if (!existing) throw new Error(`store: service ${service.name} neither created nor found`);
  return { outcome: 'exists', service: existing };
}

export async function selectService(
  sql: SqlClient,
  tenantId: string,
  name: string,
): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(
    `SELECT * FROM services WHERE tenant_id = $1 AND name = $2 AND state = 'active'`,
    [tenantId, name],
  );
  return row && readService(row);
}

export async function selectServiceById(sql: SqlClient, id: string): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(`SELECT * FROM services WHERE id = $1`, [id]);
  return row && readService(row);
}

export async function selectRoutedService(
  sql: SqlClient,
  tenantName: string,
  name: string,
): Promise<RoutedService | undefined> {
  const [row] = await sql.query(
    `SELECT s.*, t.name AS tenant_name FROM services s JOIN tenants t ON t.id = s.tenant_id
     WHERE t.name = $1 AND s.name = $2 AND s.state = 'active'`,
    [tenantName, name],
  );
  return row && { ...readService(row), tenantName: text(row, 'tenant_name') };
}

export async function selectServices(
  sql: SqlClient,
  tenantId: string,
  project: string | undefined,
): Promise<ServiceRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM services WHERE tenant_id = $1 AND state = 'active' AND ($2::text IS NULL OR project = $2)
     ORDER BY name`,
    [tenantId, project ?? null],
  );
  return rows.map(readService);
}

export async function selectActiveServices(sql: SqlClient): Promise<RoutedService[]> {
  const rows = await sql.query(
    `SELECT s.*, t.name AS tenant_name FROM services s JOIN tenants t ON t.id = s.tenant_id
     WHERE s.state = 'active' ORDER BY s.created_at, s.id`,
  );
  return rows.map((row) => ({ ...readService(row), tenantName: text(row, 'tenant_name') }));
}

export async function updateDesiredReplicas(
  sql: SqlClient,
  id: string,
  replicas: number,
  at: string,
): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE services SET desired_replicas = $2, updated_at = $3::timestamptz
     WHERE id = $1 AND state = 'active' RETURNING *`,
    [id, replicas, toTimestampParam(at, 'scale.at')],
  );
  return row && readService(row);
}

export async function updateServiceRevision(
  sql: SqlClient,
  id: string,
  document: unknown,
  requestHash: string,
  at: string,
): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(
    `WITH revised AS (
       -- numbered after every revision so far (a rolled-back one keeps its number)
       UPDATE services SET revision = (SELECT max(revision) + 1 FROM service_revisions WHERE service_id = $1),
                           document = $2::jsonb, request_hash = $3,
                           updated_at = $4::timestamptz
       WHERE id = $1 AND state = 'active' RETURNING *
     ), kept AS (
       INSERT INTO service_revisions (service_id, revision, document, request_hash, created_at)
       SELECT id, revision, document, request_hash, updated_at FROM revised
     )
     SELECT * FROM revised`,
    [id, toJsonParam(document), requestHash, toTimestampParam(at, 'revise.at')],
  );
  return row && readService(row);
}

export async function updateServiceRollBack(
  sql: SqlClient,
  id: string,
  revision: number,
  at: string,
): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE services s SET revision = r.revision, document = r.document, request_hash = r.request_hash,
                           updated_at = $3::timestamptz
     FROM service_revisions r
     WHERE s.id = $1 AND s.state = 'active' AND r.service_id = s.id AND r.revision = $2
     RETURNING s.*`,
    [id, revision, toTimestampParam(at, 'rollback.at')],
  );
  return row && readService(row);
}

export async function updateReplicaSeq(sql: SqlClient, id: string): Promise<number> {
  const [row] = await sql.query(
    `UPDATE services SET replica_seq = replica_seq + 1 WHERE id = $1 RETURNING replica_seq`,
    [id],
  );
  if (!row) throw new Error(`store: no service ${id}`);
  return integer(row, 'replica_seq');
}

export async function updateServiceDeleted(
  sql: SqlClient,
  id: string,
  at: string,
): Promise<ServiceRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE services SET state = 'deleted', desired_replicas = 0, deleted_at = $2::timestamptz,
                         updated_at = $2::timestamptz
     WHERE id = $1 AND state = 'active' RETURNING *`,
    [id, toTimestampParam(at, 'delete.at')],
  );
  return row && readService(row);
}

export async function insertServiceEvent(
  sql: SqlClient,
  serviceId: string,
  at: string,
  type: string,
  data: unknown,
): Promise<void> {
  await sql.query(
    `INSERT INTO service_events (service_id, at, type, data) VALUES ($1, $2::timestamptz, $3, $4::jsonb)`,
    [serviceId, toTimestampParam(at, 'event.at'), type, toJsonParam(data)],
  );
}

export async function selectServiceEvents(
  sql: SqlClient,
  serviceId: string,
  limit: number,
): Promise<ServiceEventRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM service_events WHERE service_id = $1 ORDER BY seq DESC LIMIT $2`,
    [serviceId, limit],
  );
  return rows.map((row) => ({
    serviceId: text(row, 'service_id'),
    seq: integer(row, 'seq'),
    at: instant(row, 'at'),
    type: text(row, 'type'),
    data: row['data'],
  }));
}

export async function selectLiveReplicas(sql: SqlClient, serviceId: string): Promise<JobRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM jobs WHERE labels ? '${SERVICE_LABEL}' AND labels->>'${SERVICE_LABEL}' = $1
       AND status IN ('queued', 'placed', 'admitted', 'running')
     ORDER BY created_at, id`,
    [serviceId],
  );
  return rows.map(readJob);
}

export async function upsertTokenUsage(sql: SqlClient, rows: readonly TokenUsageRow[]): Promise<void> {
  if (rows.length === 0) return;
  // one statement for the batch; counts add up, so two servers' rows for one minute both count
  await sql.query(
    `INSERT INTO service_token_usage (service_id, tenant_id, key_id, minute, requests, prompt_tokens, completion_tokens)
     SELECT v->>'serviceId', v->>'tenantId', v->>'keyId', (v->>'minute')::timestamptz,
            (v->>'requests')::bigint, (v->>'promptTokens')::bigint, (v->>'completionTokens')::bigint
     FROM jsonb_array_elements($1::jsonb) AS v
     ON CONFLICT (service_id, key_id, minute) DO UPDATE SET
       requests = service_token_usage.requests + excluded.requests,
       prompt_tokens = service_token_usage.prompt_tokens + excluded.prompt_tokens,
       completion_tokens = service_token_usage.completion_tokens + excluded.completion_tokens`,
    [toJsonParam(rows)],
  );
}

export async function selectTokenTotals(sql: SqlClient, serviceId: string): Promise<TokenTotals[]> {
  const rows = await sql.query(
    `SELECT key_id, sum(requests)::text AS requests, sum(prompt_tokens)::text AS prompt,
            sum(completion_tokens)::text AS completion
     FROM service_token_usage WHERE service_id = $1 GROUP BY key_id ORDER BY key_id`,
    [serviceId],
  );
  return rows.map((row) => ({
    keyId: text(row, 'key_id'),
    requests: Number(text(row, 'requests')),
    promptTokens: Number(text(row, 'prompt')),
    completionTokens: Number(text(row, 'completion')),
  }));
}

export async function selectLaunchEndpoint(sql: SqlClient, jobId: string): Promise<string | null> {
  const [row] = await sql.query(`SELECT endpoint FROM launches WHERE job_id = $1`, [jobId]);
  return row ? nullableText(row, 'endpoint') : null;
}

export function readService(row: Row): ServiceRecord {
  return {
    id: text(row, 'id'),
    tenantId: text(row, 'tenant_id'),
    project: text(row, 'project'),
    name: text(row, 'name'),
    revision: integer(row, 'revision'),
    document: row['document'],
    requestHash: text(row, 'request_hash'),
    desiredReplicas: integer(row, 'desired_replicas'),
    replicaSeq: integer(row, 'replica_seq'),
    state: oneOf(row, 'state', ['active', 'deleted'] as const),
    createdAt: instant(row, 'created_at'),
    updatedAt: instant(row, 'updated_at'),
    deletedAt: nullableInstant(row, 'deleted_at'),
  };
}
