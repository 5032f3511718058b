import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import { JOB_STATUSES } from '../../domain/jobs/lifecycle.js';
import { parseLabelSelector } from '../../domain/jobs/label-selector.js';
import type { AppContext } from '../context.js';
import { invalidField, UsineError } from '../errors.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { JobRecord } from '../ports/records.js';

/**
 * A job of the caller's tenant (and project, for a member key), any tenant's for the operator;
 * 404 otherwise, never 403.
 */
export async function getJob(ctx: AppContext, principal: Principal, id: string): Promise<JobRecord> {
  requireAllowed(principal, 'job.read');
  const tenantId = principal.tenantId; // null: the operator's key, which reads every tenant's
  const job = await ctx.store.transaction((tx) => tx.getJob(tenantId, id));
  if (!job || (principal.project !== null && job.project !== principal.project)) {
    throw new UsineError('USINE_NOT_FOUND', `no job ${id}`);
  }
  return job;
}

export interface ListQuery {
  readonly status?: string;
  readonly project?: string;
  /** Jobs placed on this site. */
  readonly site?: string;
  /** The operator's view of one tenant (by id); a tenant's key sees its own jobs only. */
  readonly tenant?: string;
  /** A label selector: `key=value,key!=value,key in (a,b),key,!key`. */
  readonly label?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export async function listJobs(
  ctx: AppContext,
  principal: Principal,
  query: ListQuery,
): Promise<{ items: JobRecord[]; nextCursor: string | null }> {
  requireAllowed(principal, 'job.read');
  // the operator lists every tenant's jobs, or one tenant's; a tenant key its own
  const tenantId = principal.tenantId ?? query.tenant ?? null;
  if (principal.tenantId !== null && query.tenant !== undefined && query.tenant !== principal.tenantId)
    return { items: [], nextCursor: null };
  if (query.status !== undefined && !JOB_STATUSES.includes(query.status as JobStatus)) {
    throw invalidField('status', `must be one of ${JOB_STATUSES.join(', ')}`);
  }
  const selector = query.label === undefined ? undefined : parseLabelSelector(query.label);
  if (selector && !selector.ok) {
    throw invalidField('label', selector.message);
  }
  const project = principal.project ?? query.project;
  if (principal.project !== null && query.project !== undefined && query.project !== principal.project) {
    return { items: [], nextCursor: null };
  }
  return ctx.store.transaction((tx) =>
    tx.listJobs(tenantId, {
      ...(query.status ? { status: query.status as JobStatus } : {}),
      ...(project ? { project } : {}),
      ...(query.site ? { site: query.site } : {}),
      ...(selector?.ok ? { labels: selector.requirements } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: Math.min(Math.max(query.limit ?? 50, 1), 500),
    }),
  );
}
