import type { Seconds } from '../time/duration.js';

/**
 * What a site's scheduler says about its load right now (live free capacity). Placement
 * uses it only to estimate when a job would start; the catalog's total capacity decides
 * whether the job fits at all.
 */
export interface SiteLoad {
  /** Free whole GPUs on each node now, by GPU model (compared without regard to case). */
  readonly freeGpusPerNode: Readonly<Record<string, readonly number[]>>;
  /** When the job does not fit in what is free now: the site's estimate of the wait. */
  readonly estimatedWaitSeconds: Seconds;
}

/**
 * When the job could start: now (0) when `nodes` free nodes of the model each have
 * `gpusPerNode` free GPUs (a fraction of a GPU counts as one), else the site's estimated
 * wait; now as well when the load is unknown (the total capacity fits, checked elsewhere).
 */
export function estimateStart(
  load: SiteLoad | undefined,
  gpuModel: string,
  gpusPerNode: number,
  nodes: number,
): Seconds {
  if (!load) return 0;
  const key = gpuModel.toLowerCase();
  let fitting = 0;
  for (const [model, free] of Object.entries(load.freeGpusPerNode)) {
    if (model.toLowerCase() !== key) continue;
    for (const gpus of free) if (gpus >= gpusPerNode) fitting += 1;
  }
  return fitting >= nodes ? 0 : load.estimatedWaitSeconds;
}
