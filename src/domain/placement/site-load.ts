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
  /**
   * The GPUs free when measured, and the share of them placements made since have claimed
   * (`claimSiteLoad`): among otherwise equal options the least claimed site comes first, so a
   * burst of decisions on one measure spreads in proportion to free capacity.
   */
  readonly measuredFreeGpus?: number;
  readonly claimedShare?: number;
}

/**
 * The load after placing a job of `nodes` × `gpusPerNode` GPUs of `gpuModel` (`milliGpus` each
 * node; a fraction takes its share of one GPU): its GPUs taken from the fullest nodes that hold
 * them (best fit), its share of the measured free GPUs claimed. A new object; `load` is unchanged.
 */
export function claimSiteLoad(
  load: SiteLoad,
  gpuModel: string,
  gpusPerNode: number,
  nodes: number,
  milliGpus: number,
): SiteLoad {
  const key = gpuModel.toLowerCase();
  const take = milliGpus / 1000;
  const freeGpusPerNode: Record<string, number[]> = {};
  for (const [model, free] of Object.entries(load.freeGpusPerNode)) {
    if (model.toLowerCase() !== key) {
      freeGpusPerNode[model] = free as number[];
      continue;
    }
    const left = [...free];
    for (let n = 0; n < nodes; n++) {
      let best = -1;
      for (let i = 0; i < left.length; i++) {
        const gpus = left[i] as number;
        if (gpus >= gpusPerNode && (best < 0 || gpus < (left[best] as number))) best = i;
      }
      if (best < 0) break; // does not fit now: it waits, and claims what it will take then
      left[best] = (left[best] as number) - take;
    }
    freeGpusPerNode[model] = left;
  }
  const measured = load.measuredFreeGpus ?? countFreeGpus(load);
  const claimed = (load.claimedShare ?? 0) * measured + take * nodes;
  return {
    freeGpusPerNode,
    estimatedWaitSeconds: load.estimatedWaitSeconds,
    measuredFreeGpus: measured,
    claimedShare: measured > 0 ? claimed / measured : claimed,
  };
}

/** Free GPUs of every model on every node. */
export function countFreeGpus(load: SiteLoad): number {
  let total = 0;
  for (const free of Object.values(load.freeGpusPerNode)) for (const gpus of free) total += gpus;
  return total;
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
