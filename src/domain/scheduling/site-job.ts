/** Priority levels, lowest first; a job's priority is its index in this list. */
export const PRIORITY_NAMES = ['low', 'normal', 'high', 'critical'] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];

/**
 * What one job asks of the site scheduler. `nodes` × `gpusPerNode` whole GPUs (a gang when
 * `nodes` > 1), or a share `gpuMilli` (< 1000) of one GPU on one node (`gpusPerNode` = 1).
 */
export interface SiteJob {
  /** Dense index, unique among the jobs a scheduler ever sees. */
  readonly id: number;
  readonly tenant: number;
  readonly nodes: number;
  readonly gpusPerNode: number;
  /** Milli-GPU taken on each of the GPUs: 1000 for whole GPUs, less for a share. */
  readonly gpuMilli: number;
  readonly cpuMilliPerNode: number;
  readonly memoryMibPerNode: number;
  /** Acceptable cluster model indices; empty: any. */
  readonly models: readonly number[];
  /** 0 = low … 3 = critical. */
  readonly priority: number;
  readonly isPreemptible: boolean;
  readonly submittedAt: number;
  /** The user's duration estimate in seconds (what backfill plans with). */
  readonly estimateSeconds: number;
}

/** Milli-GPU a job holds while it runs. */
export function measureJobMilli(job: SiteJob): number {
  return job.nodes * job.gpusPerNode * job.gpuMilli;
}

/**
 * The shape of a job of `gpus` GPUs on nodes of `gpusPerNode`: a share of one GPU below 1, one
 * node up to a node's size, else a gang of whole nodes (`ceil(gpus / gpusPerNode)` nodes, GPUs
 * spread evenly, rounded up).
 */
export function shapeJob(
  gpus: number,
  nodeGpus: number,
): { nodes: number; gpusPerNode: number; gpuMilli: number } {
  if (gpus < 1) return { nodes: 1, gpusPerNode: 1, gpuMilli: Math.max(1, Math.round(gpus * 1000)) };
  const whole = Math.ceil(gpus);
  if (whole <= nodeGpus) return { nodes: 1, gpusPerNode: whole, gpuMilli: 1000 };
  const nodes = Math.ceil(whole / nodeGpus);
  return { nodes, gpusPerNode: Math.ceil(whole / nodes), gpuMilli: 1000 };
}
