import type { AuditEntry, ChainPosition } from '../../domain/audit/chain.js';
import type { SignedCheckpoint, SignedTenantCheckpoint } from '../../domain/audit/checkpoint.js';

/** A tenant's latest checkpoint, with the chain position its fold had reached. */
export interface TenantHead extends SignedTenantCheckpoint {
  readonly throughSeq: number;
}

/** Entries of one actor, and of actions starting with a prefix (`job.` or `job.submit`). */
export interface AuditFilter {
  readonly actor?: string;
  readonly actionPrefix?: string;
}

/** What the audit verifier and the checkpoints need of the store, beyond the chain itself. */
export interface AuditStoreTx {
  /** One tenant's sealed entries after `afterSeq`, in chain order. */
  listTenantAudit(
    tenantId: string,
    afterSeq: number,
    limit: number,
    filter?: AuditFilter,
  ): Promise<AuditEntry[]>;
  /** The last sealed entry; undefined while the chain is empty. */
  auditHead(): Promise<ChainPosition | undefined>;
  /** The hash of entry `seq`; undefined when there is none. */
  auditHashAt(seq: number): Promise<string | undefined>;
  /** Sequence numbers of the sealer's `audit.reject` entries, oldest first. */
  listAuditRejections(limit: number): Promise<number[]>;
  saveCheckpoint(checkpoint: SignedCheckpoint, tenants: readonly SignedTenantCheckpoint[]): Promise<void>;
  listCheckpoints(afterCount: number, limit: number): Promise<SignedCheckpoint[]>;
  listTenantCheckpoints(
    tenantId: string,
    afterCount: number,
    limit: number,
  ): Promise<SignedTenantCheckpoint[]>;
  lastTenantCheckpoint(tenantId: string): Promise<SignedTenantCheckpoint | undefined>;
  /** Each tenant's latest checkpoint signed at or before chain position `throughSeq`. */
  listTenantHeads(throughSeq: number): Promise<TenantHead[]>;
}
