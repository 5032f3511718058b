import { allocate, type Allocation, type Placement } from './allocation.js';
import type { FreeCapacityIndex } from './free-capacity-index.js';
import { compilePlacementRequest } from './placement-request.js';
import type { ClusterState } from './cluster-state.js';
import { MILLI_PER_GPU } from './resources.js';
import type { SiteJob } from './site-job.js';

/** What a job already running holds once taken into the state, and what it could not take. */
export interface AdoptedPlacements {
  readonly allocations: Allocation[];
  /** GPUs named by the placements that were not there or not free enough (held by another job). */
  readonly conflicts: number;
}

/**
 * Takes into the state the GPUs a job already holds (launched before a restart, or admitted by
 * an earlier pass): each GPU of `placements` that exists and has the job's share free, with the
 * job's CPU and memory per node as far as the node has them left. A GPU that is not free is a
 * conflict, counted and left to its first holder: adopting never over-allocates a GPU, whatever
 * the caller says.
 */
export function adoptPlacements(
  state: ClusterState,
  index: FreeCapacityIndex,
  job: SiteJob,
  model: number,
  placements: readonly Placement[],
): AdoptedPlacements {
  const allocations: Allocation[] = [];
  let conflicts = 0;
  for (const placement of placements) {
    const n = placement.node;
    if (n < 0 || n >= state.nodes.length || state.nodeModel[n] !== model) {
      conflicts += placement.gpus.length;
      continue;
    }
    const start = state.gpuStart[n]!;
    const gpus = [...new Set(placement.gpus)].filter(
      (g) => g >= 0 && g < state.gpuCount[n]! && state.gpuFree[start + g]! >= job.gpuMilli,
    );
    conflicts += placement.gpus.length - gpus.length;
    // whole GPUs in one allocation per node; shares one GPU at a time (a share is one GPU's)
    const groups = job.gpuMilli >= MILLI_PER_GPU ? [gpus] : gpus.map((g) => [g]);
    for (const group of groups) {
      if (group.length === 0) continue;
      const isFirst = allocations.every((a) => a.node !== n);
      const request = compilePlacementRequest(state, {
        cpuMilli: isFirst ? Math.min(job.cpuMilliPerNode, state.cpuFree[n]!) : 0,
        memoryMib: isFirst ? Math.min(job.memoryMibPerNode, state.memoryFree[n]!) : 0,
        gpuCount: group.length,
        gpuMilli: job.gpuMilli,
        gpuModels: [],
        minGpuMemoryMib: 0,
      });
      allocations.push(allocate(state, request, { node: n, gpus: group }));
      index.update(n);
    }
  }
  return { allocations, conflicts };
}
