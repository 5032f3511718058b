import type { AuditEntry } from '../../domain/audit/chain.js';
import type { JobStatus } from '../../domain/jobs/lifecycle.js';

/**
 * Roles of an API key. `admin` is the operator's; `agent` and `metering` are site
 * credentials, the operator's too, each bound to one site; the others belong to a tenant.
 */
export const ROLES = [
  'admin',
  'owner',
  'member',
  'viewer',
  'auditor',
  'service',
  'agent',
  'metering',
] as const;
export type Role = (typeof ROLES)[number];
/** The roles of a site credential: no tenant, exactly one site. */
export const SITE_ROLES = ['agent', 'metering'] as const satisfies readonly Role[];
export type SiteRole = (typeof SITE_ROLES)[number];

export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  /** null for the operator's keys: admin and the site credentials. */
  readonly tenantId: string | null;
  readonly role: Role;
  /** A member key is limited to one project. */
  readonly project: string | null;
  /** The one site of a site credential (agent, metering); null for every other key. */
  readonly site: string | null;
  /** sha256 of the secret; the secret itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: string;
  /** Refused from this instant on; null: never expires. */
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  /** Within about a minute (the authenticator writes it at most once a minute). */
  readonly lastUsedAt: string | null;
}

/** Where a job runs: a site and, per node, the GPUs (indices) or milli-GPUs it holds. */
export interface Allocation {
  readonly site: string;
  readonly nodes: readonly {
    readonly node: string;
    readonly gpuIndices: readonly number[];
    /** For a fraction of one GPU: thousandths of the GPU at gpuIndices[0]. */
    readonly milliGpus: number;
  }[];
  /** True when the GPUs are declared in config, not found by nvidia-smi. */
  readonly virtual: boolean;
}

export interface JobRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly project: string;
  readonly name: string;
  readonly kind: 'Job' | 'Service';
  readonly labels: Readonly<Record<string, string>>;
  /** The spec document as submitted (JSON), kept for export and resubmission. */
  readonly document: unknown;
  readonly status: JobStatus;
  /** Why the job is in its state: unplaceable reasons, failure cause, pending reason. */
  readonly reason: string | null;
  /** The placement decision with its explanation (the placement's JSON). */
  readonly placement: unknown;
  readonly site: string | null;
  readonly allocation: Allocation | null;
  /** The executor's handle once launched (pid, Slurm job id, peer job id). */
  readonly handle: string | null;
  readonly exitCode: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** When retention took its events and logs (docs/adr/0012-retention.md); null: all kept. */
  readonly prunedAt: string | null;
}

export interface JobEventRecord {
  readonly jobId: string;
  readonly seq: number;
  readonly at: string;
  /** `status`, `log`, … */
  readonly type: string;
  readonly data: unknown;
}

export type { AuditEntry };
