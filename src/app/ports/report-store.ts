import type { UsageRecord } from '../../domain/metering/usage-record.js';
import type { JobRecord } from './records.js';

/** What the compliance reports read. */
export interface ReportStoreTx {
  /** A tenant's jobs that declare `model` (`metadata.model`, or the label `usine.dev/model`), oldest first. */
  listModelJobs(tenantId: string, model: string): Promise<JobRecord[]>;
  /** The usage of these jobs starting in `[from, to)` (either bound open when null), in ledger order. */
  listUsageOfJobs(jobIds: readonly string[], from: string | null, to: string | null): Promise<UsageRecord[]>;
}
