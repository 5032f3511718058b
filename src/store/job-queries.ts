import type { AuditMac } from '../app/audit/audit-keys.js';
import type { JobRecord } from '../app/ports/records.js';
import type { CreateJobResult, JobFilter, JobTransition, NewJob } from '../app/ports/store.js';
import { UsineError } from '../app/errors.js';
import { canTransition, holdsAllocation, JOB_STATUSES, type JobStatus } from '../domain/jobs/lifecycle.js';
import type { LabelRequirement } from '../domain/jobs/label-selector.js';
import { authenticatePending } from './audit-queries.js';
import { decodeJobCursor, encodeJobCursor } from './job-cursor.js';
import { readJob } from './read-rows.js';
import type { SqlClient } from './sql-client.js';
import {
  toJsonParam,
  toNullableJsonParam,
  toNullableTimestampParam,
  toTimestampParam,
} from './sql-values.js';

/**
 * Inserts new jobs (queued, or already placed when placed at submission), in one statement,
 * each unless its project already used its idempotency key: the unique index (tenant_id,
 * project, idempotency_key) decides, so two racing submissions create one job, and of two in the list
 * the first wins. A created job's first events and audit entries are inserted by the same
 * statement (the first events of a row it creates need none of the per-job lock that later
 * events take), so that statement alone is atomic: outside a transaction it commits everything
 * or nothing. Answers in the order of `jobs`.
 */
export async function insertJobs(
  sql: SqlClient,
  jobs: readonly NewJob[],
  mac: AuditMac,
): Promise<CreateJobResult[]> {
  const rows = jobs.map((job) => ({
    id: job.id,
    tenantId: job.tenantId,
    project: job.project,
    name: job.name,
    kind: job.kind,
    labels: job.labels,
    document: job.document,
    idempotencyKey: job.idempotencyKey,
    requestHash: job.requestHash,
    at: toTimestampParam(job.at, 'job.at'),
    status: job.placement?.status ?? 'queued',
    site: job.placement?.site ?? null,
    placement: job.placement?.view ?? null,
    reason: job.placement?.reason ?? null,
    events: job.events ?? [],
    audits: (job.audits ?? []).map((a) => authenticatePending(a, mac)),
  }));
  // one jsonb parameter for the whole list: a statement of the same text whatever its length
  const created = await sql.query(
    `WITH input AS (
       SELECT ord, v FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS list (v, ord)
     ), created AS (
       INSERT INTO jobs (id, tenant_id, project, name, kind, labels, document, status, site, placement,
                         reason, idempotency_key, request_hash, created_at, updated_at)
       SELECT v->>'id', v->>'tenantId', v->>'project', v->>'name', v->>'kind', v->'labels', v->'document',
              v->>'status', v->>'site', CASE WHEN jsonb_typeof(v->'placement') = 'object' THEN v->'placement' END,
              v->>'reason', v->>'idempotencyKey', v->>'requestHash', (v->>'at')::timestamptz, (v->>'at')::timestamptz
       FROM input ORDER BY ord
       ON CONFLICT (tenant_id, project, idempotency_key) DO NOTHING
       RETURNING *
     ), events AS (
       INSERT INTO job_events (job_id, seq, at, type, data)
       SELECT c.id, e.seq, c.created_at, e.ev->>'type', e.ev->'data'
       FROM created c JOIN input i ON i.v->>'id' = c.id
       CROSS JOIN LATERAL jsonb_array_elements(i.v->'events') WITH ORDINALITY AS e (ev, seq)
     ), audit AS (
       INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data, mac)
       SELECT (a->>'at')::timestamptz, a->>'actor', a->>'tenantId', a->>'action', a->>'subject', a->'data', a->>'mac'
       FROM created c JOIN input i ON i.v->>'id' = c.id
       CROSS JOIN LATERAL jsonb_array_elements(i.v->'audits') WITH ORDINALITY AS x (a, k)
       ORDER BY i.ord, x.k
     )
     SELECT * FROM created`,
    [toJsonParam(rows)],
  );
  const byId = new Map(created.map((row) => [row['id'], row]));
  const others = jobs.filter((job) => !byId.has(job.id));
  // a new statement sees the rows of the submissions that won, even if they committed just now
  const existing =
    others.length === 0
      ? []
      : await sql.query(
          `SELECT * FROM jobs WHERE (tenant_id, project, idempotency_key) IN
             (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`,
          [
            others.map((job) => job.tenantId),
            others.map((job) => job.project),
            others.map((job) => job.idempotencyKey),
          ],
        );
  const idempotencyScope = (tenantId: unknown, project: unknown, key: unknown) =>
    `${String(tenantId)}\n${String(project)}\n${String(key)}`;
  const byKey = new Map(
    existing.map((row) => [idempotencyScope(row['tenant_id'], row['project'], row['idempotency_key']), row]),
  );
  return jobs.map((job): CreateJobResult => {
    const row = byId.get(job.id);
    if (row) return { outcome: 'created', job: readJob(row) };
    const winner = byKey.get(idempotencyScope(job.tenantId, job.project, job.idempotencyKey));
    if (!winner) throw new Error(`store: job with idempotency key ${job.idempotencyKey} vanished`);
    return winner['request_hash'] === job.requestHash
      ? { outcome: 'replayed', job: readJob(winner) }
      : { outcome: 'conflict' };
  });
}

export async function selectJob(
  sql: SqlClient,
  tenantId: string | null,
  id: string,
): Promise<JobRecord | undefined> {
  const [row] =
    tenantId === null
      ? await sql.query('SELECT * FROM jobs WHERE id = $1', [id])
      : await sql.query('SELECT * FROM jobs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return row && readJob(row);
}

/**
 * A tenant's jobs (every tenant's when `tenantId` is null), newest first, a page at a time
 * (keyset pagination on (created_at, id)).
 */
export async function selectJobs(
  sql: SqlClient,
  tenantId: string | null,
  filter: JobFilter,
): Promise<{ items: JobRecord[]; nextCursor: string | null }> {
  assertLimit(filter.limit);
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (tenantId !== null) where.push(`tenant_id = ${param(tenantId)}`);
  if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
  if (filter.project !== undefined) where.push(`project = ${param(filter.project)}`);
  if (filter.site !== undefined) where.push(`site = ${param(filter.site)}`);
  for (const r of filter.labels ?? []) where.push(labelCondition(r, param));
  if (filter.cursor !== undefined) {
    const cursor = decodeJobCursor(filter.cursor);
    if (cursor === undefined) {
      throw new UsineError('USINE_INVALID_REQUEST', 'The cursor is not one this server gave out.', [
        { path: 'cursor', message: 'pass back the nextCursor of the previous page, unchanged' },
      ]);
    }
    where.push(`(created_at, id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)})`);
  }
  // one row more than asked tells whether there is a next page
  const rows = await sql.query(
    `SELECT * FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit + 1)}`,
    params,
  );
  const items = rows.slice(0, filter.limit).map(readJob);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > filter.limit && last ? encodeJobCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}

/** One label requirement in SQL; `!=`/`notin` match a job without the label, as kubectl does. */
function labelCondition(r: LabelRequirement, param: (value: unknown) => string): string {
  const value = `labels->>${param(r.key)}`;
  switch (r.op) {
    case 'exists':
      return `${value} IS NOT NULL`;
    case 'absent':
      return `${value} IS NULL`;
    case 'in':
      return `${value} IN (SELECT jsonb_array_elements_text(${param(JSON.stringify(r.values))}::jsonb))`;
    case 'notin':
      return `(${value} IS NULL OR ${value} NOT IN (SELECT jsonb_array_elements_text(${param(JSON.stringify(r.values))}::jsonb)))`;
  }
}

/** Locks up to `limit` jobs in `statuses`, oldest first, skipping rows other transactions hold. */
export async function claimJobs(
  sql: SqlClient,
  statuses: readonly JobStatus[],
  limit: number,
): Promise<JobRecord[]> {
  assertLimit(limit);
  if (statuses.length === 0) return [];
  const list = statuses.map((_, i) => `$${i + 1}`).join(', ');
  const rows = await sql.query(
    `SELECT * FROM jobs WHERE status IN (${list})
     ORDER BY created_at, id LIMIT $${statuses.length + 1}
     FOR UPDATE SKIP LOCKED`,
    [...statuses, limit],
  );
  return rows.map(readJob);
}

/**
 * The oldest jobs in `status`, at most `perTenantAndSite` of each tenant on each site, oldest
 * first, without locking them (what a decision reads).
 */
export async function selectJobsInStatus(
  sql: SqlClient,
  status: JobStatus,
  perTenantAndSite: number,
): Promise<JobRecord[]> {
  assertLimit(perTenantAndSite);
  const rows = await sql.query(
    `SELECT * FROM (
       SELECT *, row_number() OVER (PARTITION BY site, tenant_id ORDER BY created_at, id) AS rank_in_tenant
       FROM jobs WHERE status = $1
     ) AS ranked
     WHERE rank_in_tenant <= $2 ORDER BY created_at, id`,
    [status, perTenantAndSite],
  );
  return rows.map(readJob);
}

/** How many jobs are in each state, all tenants together; states with none are absent. */
export async function countJobsByStatus(sql: SqlClient): Promise<Partial<Record<JobStatus, number>>> {
  const rows = await sql.query<{ status: string; n: number }>(
    'SELECT status, count(*)::integer AS n FROM jobs GROUP BY status',
  );
  const counts: Partial<Record<JobStatus, number>> = {};
  for (const row of rows) {
    if (JOB_STATUSES.includes(row.status as JobStatus)) counts[row.status as JobStatus] = Number(row.n);
  }
  return counts;
}

/** Jobs by site (null before placement) and status: one tenant's, or every tenant's (null). */
export async function countJobsBySite(
  sql: SqlClient,
  tenantId: string | null,
): Promise<{ site: string | null; status: JobStatus; count: number }[]> {
  const rows = await sql.query<{ site: string | null; status: string; n: number }>(
    `SELECT site, status, count(*)::integer AS n FROM jobs
     ${tenantId === null ? '' : 'WHERE tenant_id = $1'} GROUP BY site, status ORDER BY site, status`,
    tenantId === null ? [] : [tenantId],
  );
  return rows
    .filter((row) => JOB_STATUSES.includes(row.status as JobStatus))
    .map((row) => ({ site: row.site, status: row.status as JobStatus, count: Number(row.n) }));
}

const ALLOCATED = JOB_STATUSES.filter(holdsAllocation);

export async function selectAllocatedJobs(sql: SqlClient): Promise<JobRecord[]> {
  const list = ALLOCATED.map((_, i) => `$${i + 1}`).join(', ');
  const rows = await sql.query(`SELECT * FROM jobs WHERE status IN (${list}) ORDER BY created_at, id`, [
    ...ALLOCATED,
  ]);
  return rows.map(readJob);
}

/**
 * Compare-and-set: moves the job from `change.from` to `change.to` only if it is still in
 * `from`; undefined otherwise (someone else moved it first). Fields left undefined keep
 * their value; null clears them.
 */
export async function updateJobStatus(
  sql: SqlClient,
  id: string,
  change: JobTransition,
): Promise<JobRecord | undefined> {
  if (!canTransition(change.from, change.to)) {
    throw new Error(`store: a job cannot go from ${change.from} to ${change.to}`);
  }
  const params: unknown[] = [id, change.from];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const sets = [
    `status = ${param(change.to)}`,
    `updated_at = ${param(toTimestampParam(change.at, 'transition.at'))}::timestamptz`,
  ];
  if (change.reason !== undefined) sets.push(`reason = ${param(change.reason)}`);
  if (change.placement !== undefined) {
    sets.push(`placement = ${param(toNullableJsonParam(change.placement))}::jsonb`);
  }
  if (change.site !== undefined) sets.push(`site = ${param(change.site)}`);
  if (change.allocation !== undefined) {
    sets.push(`allocation = ${param(toNullableJsonParam(change.allocation))}::jsonb`);
  }
  if (change.handle !== undefined) sets.push(`handle = ${param(change.handle)}`);
  if (change.exitCode !== undefined) sets.push(`exit_code = ${param(change.exitCode)}::integer`);
  if (change.startedAt !== undefined) {
    const startedAt = toNullableTimestampParam(change.startedAt, 'transition.startedAt');
    sets.push(`started_at = ${param(startedAt)}::timestamptz`);
  }
  if (change.finishedAt !== undefined) {
    const finishedAt = toNullableTimestampParam(change.finishedAt, 'transition.finishedAt');
    sets.push(`finished_at = ${param(finishedAt)}::timestamptz`);
  }
  const [row] = await sql.query(
    `UPDATE jobs SET ${sets.join(', ')} WHERE id = $1 AND status = $2 RETURNING *`,
    params,
  );
  return row && readJob(row);
}

/**
 * Sets a waiting job's reason if it is still in `status` and the reason differs (no state
 * change); undefined otherwise. The caller's transaction appends the event.
 */
export async function updateJobReason(
  sql: SqlClient,
  id: string,
  status: JobStatus,
  reason: string | null,
  at: string,
): Promise<JobRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE jobs SET reason = $3, updated_at = $4::timestamptz
     WHERE id = $1 AND status = $2 AND reason IS DISTINCT FROM $3::text RETURNING *`,
    [id, status, reason, toTimestampParam(at, 'reason.at')],
  );
  return row && readJob(row);
}

/** Sets a running job's start time once (compare-and-set on `started_at IS NULL`). */
export async function updateJobStart(
  sql: SqlClient,
  id: string,
  startedAt: string,
  at: string,
): Promise<JobRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE jobs SET started_at = $2::timestamptz, updated_at = $3::timestamptz
     WHERE id = $1 AND status = 'running' AND started_at IS NULL RETURNING *`,
    [id, toTimestampParam(startedAt, 'start.startedAt'), toTimestampParam(at, 'start.at')],
  );
  return row && readJob(row);
}

/** Sets `placement.remote` once (compare-and-set on its absence). */
export async function updateJobRemotePlacement(
  sql: SqlClient,
  id: string,
  remote: unknown,
  at: string,
): Promise<JobRecord | undefined> {
  const [row] = await sql.query(
    `UPDATE jobs SET placement = jsonb_set(coalesce(placement, '{}'::jsonb), '{remote}', $2::jsonb),
       updated_at = $3::timestamptz
     WHERE id = $1 AND (placement IS NULL OR NOT placement ? 'remote') RETURNING *`,
    [id, JSON.stringify(remote), toTimestampParam(at, 'remotePlacement.at')],
  );
  return row && readJob(row);
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`store: limit must be a positive integer, got ${limit}`);
  }
}
