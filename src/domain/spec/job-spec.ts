import type { Constraints } from '../policy/constraints.js';
import type { Seconds } from '../time/duration.js';
import type { Classification, Priority, Workload } from './schema.js';
import type { ServiceSettings } from './service-spec.js';

/** A validated, normalised workload spec: defaults applied, classification rules folded in. */
export interface JobSpec {
  readonly kind: 'Job' | 'Service';
  readonly name: string;
  readonly project: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly workload: Workload;
  readonly command: readonly string[];
  readonly image: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly resources: JobResources;
  /** The user's estimate, used for backfill, price and energy. */
  readonly duration: Seconds;
  /** True when the spec gave no duration and `duration` is the default estimate. */
  readonly isDurationAssumed: boolean;
  /** The hard limit: the job is stopped past it. Undefined: none beyond the site's. */
  readonly maxDuration: Seconds | undefined;
  readonly priority: Priority;
  readonly preemptible: boolean;
  readonly classification: Classification;
  readonly constraints: Constraints;
  /** A Service's serving settings; undefined for a Job. */
  readonly service?: ServiceSettings;
}

export interface JobResources {
  /** Whole GPUs per node, or a fraction below 1 of one GPU (then nodes is 1). */
  readonly gpus: number;
  /** The same in thousandths of a GPU (250 for 0.25), the unit the packer counts in. */
  readonly milliGpus: number;
  /** Acceptable models as written; empty means any. Compared without regard to case. */
  readonly gpuModels: readonly string[];
  readonly gpuMemoryGiB: number | undefined;
  readonly nodes: number;
  readonly cpus: number | undefined;
  readonly memoryGiB: number | undefined;
}

/** The estimate used when a spec says neither duration nor maxDuration. */
export const DEFAULT_DURATION_SECONDS: Seconds = 3_600;
