import type { UsageRecord } from '../../domain/metering/usage-record.js';
import type { JobEventRecord, JobRecord } from './records.js';

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
  /** A tenant's ledger after the ledger position `afterId`, in ledger order, with each record's position. */
  listUsageAfter(
    tenantId: string,
    afterId: number,
    limit: number,
  ): Promise<{ readonly id: number; readonly record: UsageRecord }[]>;
  /** Months a tenant's invoices carry usage in (a record's start, or the later month it was billed in). */
  listUsageMonths(tenantId: string): Promise<string[]>;
}
