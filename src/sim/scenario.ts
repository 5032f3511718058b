import type { PolicyName } from '../domain/scheduling/packing-policies.js';

/** A validated scenario, normalised: model names upper-cased, shares normalised to sum 1. */
export interface Scenario {
  readonly name: string;
  readonly seed: number;
  readonly cluster: readonly {
    readonly gpuModel: string;
    readonly nodes: number;
    readonly gpusPerNode: number;
    readonly cpusPerNode: number;
    readonly memoryGiBPerNode: number;
  }[];
  readonly tenants: readonly {
    readonly name: string;
    readonly cohort: string;
    readonly weight: number;
    /** GPUs by model (upper case). */
    readonly quota: ReadonlyMap<string, number>;
    /** GPUs by model; a model absent here may borrow without limit (as far as the cohort allows). */
    readonly borrowingLimit: ReadonlyMap<string, number> | undefined;
  }[];
  readonly workload: {
    readonly jobs: number;
    readonly targetLoad: number;
    readonly gpusPerJob: readonly { readonly gpus: number; readonly share: number }[];
    readonly runtime: { readonly kind: 'philly' } | { readonly kind: 'fixed'; readonly seconds: number };
    readonly estimateError: number;
    /** Share of the jobs by tenant index. */
    readonly tenantShare: readonly number[];
    /** Share of the jobs by priority (low, normal, high, critical). */
    readonly priorityShare: readonly number[];
    readonly preemptibleShare: number;
  };
  readonly policy: PolicyName;
}
