import type { JobSpec } from '../spec/job-spec.js';
import type { ClusterState } from './cluster-state.js';
import { MILLI_PER_GPU, normaliseGpuModel } from './resources.js';
import { PRIORITY_NAMES, type SiteJob } from './site-job.js';

/** What a job asks of a site, before it has a number, a tenant and a submission time. */
export type SiteJobShape = Omit<SiteJob, 'id' | 'tenant' | 'submittedAt'>;

/**
 * A job spec as the site scheduler of one cluster sees it: nodes × whole GPUs per node or a share
 * of one GPU, CPU and memory per node when the spec gives them (none asked otherwise), the site's
 * models it accepts (by name and minimum GPU memory), its priority, whether it is preemptible, and
 * its duration estimate. Undefined when no GPU model of the site is acceptable.
 */
export function readSiteJobShape(spec: JobSpec, state: ClusterState): SiteJobShape | undefined {
  const res = spec.resources;
  const wanted = new Set(res.gpuModels.map(normaliseGpuModel));
  const minMemoryMib = (res.gpuMemoryGiB ?? 0) * 1024;
  const models: number[] = [];
  state.models.forEach((model, m) => {
    if (wanted.size > 0 && !wanted.has(model)) return;
    if (minMemoryMib > 0 && !state.nodesByModel[m]!.some((n) => state.nodes[n]!.gpuMemoryMib >= minMemoryMib))
      return;
    models.push(m);
  });
  if (models.length === 0) return undefined;
  const isShare = res.gpus < 1;
  return {
    nodes: res.nodes,
    gpusPerNode: isShare ? 1 : res.gpus,
    gpuMilli: isShare ? res.milliGpus : MILLI_PER_GPU,
    cpuMilliPerNode: Math.round((res.cpus ?? 0) * 1000),
    memoryMibPerNode: Math.round((res.memoryGiB ?? 0) * 1024),
    // every model of the site: no restriction (the scheduler then tries the tenant's models)
    models: models.length === state.models.length ? [] : models,
    priority: PRIORITY_NAMES.indexOf(spec.priority),
    isPreemptible: spec.preemptible,
    estimateSeconds: spec.duration,
  };
}
