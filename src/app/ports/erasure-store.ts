import type { ErasedEntry } from '../../domain/audit/erasure.js';

/** A document rewritten by an erasure, with the name it now goes by. */
export interface ErasedDocument {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly document: unknown;
  readonly placement: unknown;
}

/** What an erasure (GDPR Art. 17) writes, and what the audit verifier reads of it. */
export interface ErasureStoreTx {
  /** Rewrites these jobs' name, labels, spec and placement. */
  eraseJobs(jobs: readonly ErasedDocument[]): Promise<number>;
  /** Replaces every env value of these jobs' launch requests; returns how many launches had any. */
  eraseLaunchEnv(jobIds: readonly string[]): Promise<number>;
  /** Deletes these jobs' shipped output; returns how many chunks. */
  deleteJobLogs(jobIds: readonly string[]): Promise<number>;
  /** A tenant's services and their revisions, for their specs to be rewritten. */
  listTenantServiceDocuments(
    tenantId: string,
  ): Promise<{ readonly serviceId: string; readonly revision: number | null; readonly document: unknown }[]>;
  /** Rewrites a service's document (revision null) or one of its revisions'. */
  eraseServiceDocument(serviceId: string, revision: number | null, document: unknown): Promise<void>;
  /** Lists the entries and replaces their data by the erasure's marker; entries already listed are left. */
  applyAuditErasure(tenantId: string, entries: readonly ErasedEntry[]): Promise<number>;
  /** Every entry an erasure registered, by seq. */
  listAuditErasures(tenantId?: string): Promise<ErasedEntry[]>;
}
