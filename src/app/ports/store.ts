import type { AuditEntry, AuditEvent } from '../../domain/audit/chain.js';
import type { LabelRequirement } from '../../domain/jobs/label-selector.js';
import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import type { RemotePlacement } from './executor.js';
import type { AuditFilter, AuditStoreTx } from './audit-store.js';
import type { ErasureStoreTx } from './erasure-store.js';
import type { ExchangeStoreTx } from './exchange-store.js';
import type { ReportStoreTx } from './report-store.js';
import type { RetentionStoreTx } from './retention-store.js';
import type { FleetStoreTx } from './fleet-store.js';
import type { MeteringStoreTx } from './metering-store.js';
import type { ServiceStoreTx } from './service-store.js';
import type { ApiKeyRecord, JobEventRecord, JobRecord, Role, TenantRecord } from './records.js';

/**
 * Persistence as the application needs it. Implemented by src/store/ on PostgreSQL and on
 * embedded PGlite; every write of one use case happens in one transaction.
 */
export interface Store {
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs read-only work without BEGIN and COMMIT: each statement sees what was committed when
   * it starts. For one-statement reads on hot paths (authenticating every request); anything
   * that writes, or reads twice and needs one snapshot, uses `transaction`.
   */
  read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` only if this process holds the cluster-wide lock `name` (a PostgreSQL
   * advisory lock); returns undefined at once when another replica holds it.
   */
  withExclusiveLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  /**
   * Links the audit entries committed so far, in batches of their own transactions, to the
   * end of the chain; returns how many. Sealers across replicas queue on one lock; appenders
   * never wait for it. Every entry committed before the call is in the chain when it returns.
   */
  sealAudit(): Promise<number>;
  /**
   * `StoreTx.createJob` in a transaction of its own, which concurrent calls share (group
   * commit: one commit, one flush to disk for all of them). Resolves once that transaction
   * has committed; a call that fails does not fail the others of its batch.
   */
  commitJob(job: NewJob): Promise<CreateJobResult>;
  /** Gives back the space of the rows retention deleted (PGlite has no autovacuum; PostgreSQL: nothing to do). */
  reclaimPruned(): Promise<void>;
  close(): Promise<void>;
}

/** A job as submitted: the record's identity and spec, with what makes retries safe. */
export interface NewJob extends Pick<
  JobRecord,
  'id' | 'tenantId' | 'project' | 'name' | 'kind' | 'labels' | 'document'
> {
  readonly idempotencyKey: string;
  /** sha256 of the canonical request body: same key + other body is a conflict. */
  readonly requestHash: string;
  readonly at: string;
  /**
   * Recorded as the job's events 1, 2… at `at`, by the statement that creates the job (nobody
   * else can write events of a job that does not exist yet); not recorded on a replay.
   */
  readonly events?: readonly { readonly type: string; readonly data: unknown }[];
  /** Queued in the audit log, in this order, with the job; not on a replay. */
  readonly audits?: readonly AuditEvent[];
  /**
   * Placed at submission: the job starts `placed` (or `unplaceable`) instead of `queued`, or
   * `queued` with the reason a budget holds it.
   */
  readonly placement?: {
    readonly status: 'placed' | 'unplaceable' | 'queued';
    readonly site: string | null;
    readonly view: unknown;
    readonly reason: string | null;
  };
}

export type CreateJobResult =
  | { readonly outcome: 'created'; readonly job: JobRecord }
  | { readonly outcome: 'replayed'; readonly job: JobRecord }
  | { readonly outcome: 'conflict' };

export interface JobFilter {
  readonly status?: JobStatus;
  readonly project?: string;
  /** The site a job was placed on. */
  readonly site?: string;
  /** Label selector requirements, all of them met. */
  readonly labels?: readonly LabelRequirement[];
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

/** Fields a transition may set; `status` is compared-and-set against `from`. */
export interface JobTransition {
  readonly from: JobStatus;
  readonly to: JobStatus;
  readonly at: string;
  readonly reason?: string | null;
  readonly placement?: unknown;
  readonly site?: string | null;
  readonly allocation?: JobRecord['allocation'];
  readonly handle?: string | null;
  readonly exitCode?: number | null;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
}

export interface StoreTx
  extends
    MeteringStoreTx,
    AuditStoreTx,
    FleetStoreTx,
    ExchangeStoreTx,
    ServiceStoreTx,
    ReportStoreTx,
    ErasureStoreTx,
    RetentionStoreTx {
  // tenants and keys
  createTenant(tenant: TenantRecord): Promise<void>;
  getTenant(id: string): Promise<TenantRecord | undefined>;
  /** The tenant, locked until the transaction ends (serialises what counts its keys). */
  lockTenant(id: string): Promise<TenantRecord | undefined>;
  findTenantByName(name: string): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** A tenant's keys, or (null) the operator's own: admin and site credentials; oldest first. */
  listApiKeys(tenantId: string | null): Promise<ApiKeyRecord[]>;
  /** Every key ever created, revoked ones included. */
  countApiKeys(role?: Role): Promise<number>;
  /** A tenant's keys neither revoked nor expired at `at`. */
  countLiveApiKeys(tenantId: string, at: string): Promise<number>;
  /** False when the key was already revoked. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /** Brings the key's expiry forward to `at`, never later than it was. */
  expireApiKeyBy(id: string, at: string): Promise<void>;
  touchApiKeys(ids: readonly string[], at: string): Promise<void>;

  // jobs
  /** Inserts the job unless (tenant, project, idempotencyKey) exists: then replayed or conflict. */
  createJob(job: NewJob): Promise<CreateJobResult>;
  /** `tenantId` null: whichever tenant's it is (the operator's view; the use case decides who may). */
  getJob(tenantId: string | null, id: string): Promise<JobRecord | undefined>;
  /** `tenantId` null: every tenant's jobs (the operator's view). */
  listJobs(
    tenantId: string | null,
    filter: JobFilter,
  ): Promise<{ items: JobRecord[]; nextCursor: string | null }>;
  /**
   * Locks up to `limit` jobs in the given states for this transaction, skipping those
   * another transaction holds (FOR UPDATE SKIP LOCKED), oldest first.
   */
  claimJobs(statuses: readonly JobStatus[], limit: number): Promise<JobRecord[]>;
  /**
   * The oldest jobs in `status`, at most `perTenantAndSite` of each tenant on each site (so a
   * tenant that floods the queue cannot push the others out), oldest first, locking nothing:
   * for a decision over the queue whose moves are compare-and-set (the site scheduler's
   * admission).
   */
  listJobsInStatus(status: JobStatus, perTenantAndSite: number): Promise<JobRecord[]>;
  /** How many jobs are in each state (all tenants), for metrics. */
  countJobsByStatus(): Promise<Partial<Record<JobStatus, number>>>;
  /** Jobs by site (null before placement) and status: one tenant's, or every tenant's (null). */
  countJobsBySite(
    tenantId: string | null,
  ): Promise<{ site: string | null; status: JobStatus; count: number }[]>;
  /** Jobs holding an allocation (admitted, running), for live capacity. */
  listAllocatedJobs(): Promise<JobRecord[]>;
  /** Applies the transition if the job is still in `from`; returns the new record or undefined. */
  transitionJob(id: string, change: JobTransition): Promise<JobRecord | undefined>;
  /**
   * Says why a job waits without moving it: sets `reason` (and `updated_at` to `at`) only if the
   * job is still in `status` and the reason differs, then appends a `reason` event
   * (`{ status, reason }`) so followers see it. Returns the new record when the reason changed,
   * undefined when the job left `status` or already had this reason (no churn).
   */
  setJobReason(
    id: string,
    status: JobStatus,
    reason: string | null,
    at: string,
  ): Promise<JobRecord | undefined>;
  /**
   * Records when a running job really started on its backend (a Slurm job may wait in Slurm's
   * queue after Usine launched it): sets `started_at` only if the job is running and has none
   * yet, and appends a `started` event. Undefined when it was already recorded or the job moved.
   */
  recordJobStart(id: string, startedAt: string, at: string): Promise<JobRecord | undefined>;
  /**
   * Keeps the placement explanation of the backend that placed the job itself (a peer Usine)
   * under `placement.remote`, once, with a `remote-placement` event. Undefined when it was
   * already kept.
   */
  recordRemotePlacement(id: string, remote: RemotePlacement, at: string): Promise<JobRecord | undefined>;
  appendJobEvent(jobId: string, at: string, type: string, data: unknown): Promise<JobEventRecord>;
  listJobEvents(jobId: string, afterSeq: number, limit: number): Promise<JobEventRecord[]>;

  // audit
  /**
   * Queues the entry in this transaction, so it commits or rolls back with the change it
   * records; it takes no lock. `Store.sealAudit` gives it its place in the chain.
   */
  appendAudit(event: AuditEvent): Promise<void>;
  /** Sealed entries after `afterSeq`, in chain order (those the filter keeps). */
  listAudit(afterSeq: number, limit: number, filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Entries committed and not sealed yet. */
  countPendingAudit(): Promise<number>;
}
