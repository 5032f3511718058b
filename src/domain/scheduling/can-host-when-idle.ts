import type { ClusterState } from './cluster-state.js';
import type { SiteJob } from './site-job.js';

/**
 * True when the site could hold the job were it idle: for one acceptable model, `nodes` nodes
 * with enough GPUs, CPU and memory each. A job for which this is false would wait forever.
 */
export function canHostWhenIdle(state: ClusterState, job: SiteJob): boolean {
  const models = job.models.length > 0 ? job.models : state.models.map((_, m) => m);
  return models.some((m) => {
    let fitting = 0;
    for (const n of state.nodesByModel[m] ?? []) {
      const node = state.nodes[n]!;
      if (
        node.gpuCount >= job.gpusPerNode &&
        node.cpuMilli >= job.cpuMilliPerNode &&
        node.memoryMib >= job.memoryMibPerNode
      )
        fitting++;
      if (fitting >= job.nodes) return true;
    }
    return false;
  });
}
