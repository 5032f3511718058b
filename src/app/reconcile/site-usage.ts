import type { Site } from '../../domain/catalog/catalog.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import type { GpuDevice } from '../ports/executor.js';
import type { JobRecord } from '../ports/records.js';

/** One GPU of a site: where, what, and how much of it is free. */
export interface GpuSlot {
  readonly node: string;
  readonly index: number;
  readonly model: string;
  readonly memoryGiB: number;
  /** Thousandths of the GPU still free (1000: idle). */
  readonly freeMilli: number;
}

/** One site's GPUs with what the jobs holding allocations use of them (placement's live load). */
export interface SiteUsage {
  readonly site: string;
  readonly slots: GpuSlot[];
  readonly virtual: boolean;
}

/** Free milli-GPU per GPU = 1000 − what admitted and running jobs hold there. */
export function measureSiteUsage(
  site: string,
  devices: readonly GpuDevice[],
  allocated: readonly JobRecord[],
): SiteUsage {
  const used = new Map<string, number>();
  for (const job of allocated) {
    if (job.allocation?.site !== site) continue;
    for (const grant of job.allocation.nodes) {
      const share = grant.gpuIndices.length > 0 ? grant.milliGpus / grant.gpuIndices.length : 0;
      for (const index of grant.gpuIndices) {
        const key = `${grant.node}#${index}`;
        used.set(key, (used.get(key) ?? 0) + share);
      }
    }
  }
  return {
    site,
    virtual: devices.some((d) => d.virtual),
    slots: devices.map((d) => ({
      node: d.node,
      index: d.index,
      model: d.model,
      memoryGiB: d.memoryGiB,
      freeMilli: Math.max(0, 1000 - (used.get(`${d.node}#${d.index}`) ?? 0)),
    })),
  };
}

/**
 * What placement needs to estimate a start: idle GPUs per node by model, and, when the
 * site is full, the soonest a running job there is expected to end.
 */
export function describeSiteLoad(
  usage: SiteUsage,
  allocated: readonly JobRecord[],
  site: Site,
  now: Date,
  durationOf: (job: JobRecord) => number,
): SiteLoad {
  const perNode = new Map<string, Map<string, number>>();
  for (const slot of usage.slots) {
    const byNode = perNode.get(slot.model) ?? new Map<string, number>();
    byNode.set(slot.node, (byNode.get(slot.node) ?? 0) + (slot.freeMilli >= 1000 ? 1 : 0));
    perNode.set(slot.model, byNode);
  }
  const freeGpusPerNode: Record<string, number[]> = {};
  for (const [model, nodes] of perNode) freeGpusPerNode[model] = [...nodes.values()];
  let soonest = Infinity;
  for (const job of allocated) {
    if (job.allocation?.site !== site.name) continue;
    const started = job.startedAt ? Date.parse(job.startedAt) : now.getTime();
    soonest = Math.min(soonest, Math.max(0, (started + durationOf(job) * 1000 - now.getTime()) / 1000));
  }
  return { freeGpusPerNode, estimatedWaitSeconds: Number.isFinite(soonest) ? Math.round(soonest) : 0 };
}
