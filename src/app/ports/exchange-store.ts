import type { UsageRecord } from '../../domain/metering/usage-record.js';
import type { JobEventRecord, JobRecord } from './records.js';
import type { ServiceRecord } from './service-store.js';

/** A job as an export carries it: the record and what made its submission idempotent. */
export interface ExportedJob extends JobRecord {
  readonly idempotencyKey: string;
  readonly requestHash: string;
}

/** Where a page of a tenant's jobs ends: the next page starts after it. */
export interface JobPosition {
  readonly createdAt: string;
  readonly id: string;
}

/** Where a page of usage ends. */
export interface UsagePosition {
  readonly start: string;
  readonly key: string;
}

export interface LogChunk {
  readonly jobId: string;
  readonly offset: number;
  readonly data: Uint8Array;
}

/** What the export and the import read and write, page by page, so memory stays bounded. */
export interface ExchangeStoreTx {
  /** A tenant's jobs after `after`, oldest first by (created, id). */
  listTenantJobsAfter(
    tenantId: string,
    after: JobPosition | undefined,
    limit: number,
  ): Promise<ExportedJob[]>;
  /** The events of these jobs, by job id then seq. */
  listEventsOfJobs(jobIds: readonly string[]): Promise<JobEventRecord[]>;
  /** The shipped output of these jobs, by job id then offset. */
  listLogChunksOfJobs(jobIds: readonly string[]): Promise<LogChunk[]>;
  /** A tenant's ledger after `after`, by (start, key): an order the records carry themselves. */
  listUsageAfter(tenantId: string, after: UsagePosition | undefined, limit: number): Promise<UsageRecord[]>;
  /** A tenant's services, deleted ones too, oldest first. */
  listTenantServices(tenantId: string): Promise<ServiceRecord[]>;
  /** Months a tenant's invoices carry usage in (a record's start, or the later month it was billed in). */
  listUsageMonths(tenantId: string): Promise<string[]>;

  /** Inserts the jobs (with their events' first rows untouched) whose id is new; returns the ids inserted. */
  importJobs(jobs: readonly ExportedJob[]): Promise<string[]>;
  /** Inserts the events not there yet (job, seq); returns how many were new. */
  importJobEvents(events: readonly JobEventRecord[]): Promise<number>;
  /** Keeps a foreign factory's public key, once. */
  putForeignAuditKey(keyId: string, publicKeyPem: string, at: string): Promise<void>;
  /** Inserts the lines of a foreign segment not there yet; returns how many were new. */
  importForeignAudit(
    keyId: string,
    tenantId: string,
    kind: ForeignAuditKind,
    lines: readonly ForeignAuditLine[],
  ): Promise<number>;
  /** The foreign keys whose segments hold entries of the tenant, with their public keys. */
  listForeignAuditKeys(
    tenantId: string,
  ): Promise<{ readonly keyId: string; readonly publicKeyPem: string }[]>;
  listForeignAudit(
    keyId: string,
    tenantId: string,
    kind: ForeignAuditKind,
    afterPosition: number,
    limit: number,
  ): Promise<ForeignAuditLine[]>;
}

export type ForeignAuditKind = 'entries' | 'checkpoints' | 'erasures';

/** One JSON line of a foreign segment, kept byte for byte, at its position (1, 2, 3…). */
export interface ForeignAuditLine {
  readonly position: number;
  readonly line: string;
}
