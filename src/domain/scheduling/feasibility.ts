import type { ClusterState } from './cluster-state.js';
import type { PlacementRequest } from './placement-request.js';
import { MILLI_PER_GPU } from './resources.js';

/** True when node `n` has the CPU, memory and GPU (model, memory, free share) the request needs. */
export function canHost(state: ClusterState, n: number, request: PlacementRequest): boolean {
  if (state.cpuFree[n]! < request.cpuMilli || state.memoryFree[n]! < request.memoryMib) return false;
  if (request.gpuCount === 0) return true;
  return canHostGpus(state, n, request);
}

/** The GPU half of `canHost`: model, GPU memory and free shares (CPU and memory not checked). */
export function canHostGpus(state: ClusterState, n: number, request: PlacementRequest): boolean {
  const model = state.nodeModel[n]!;
  if (model < 0) return false;
  if (request.allowedModels !== undefined && request.allowedModels[model] !== 1) return false;
  if (request.minGpuMemoryMib > 0 && state.nodes[n]!.gpuMemoryMib < request.minGpuMemoryMib) return false;
  if (state.idleMilli[n]! < request.gpuTotal) return false;
  if (!request.isSharing) return state.fullGpus[n]! >= request.gpuCount;
  return findTightestGpu(state, n, request.gpuMilli) >= 0;
}

/**
 * The GPU of node `n` with the least free share that still holds `milli`, lowest index on ties
 * (a partly used GPU before an idle one); -1 when none does. Returns a local GPU index.
 */
export function findTightestGpu(state: ClusterState, n: number, milli: number): number {
  const start = state.gpuStart[n]!;
  const count = state.gpuCount[n]!;
  let best = -1;
  let bestFree = MILLI_PER_GPU + 1;
  for (let g = 0; g < count; g++) {
    const free = state.gpuFree[start + g]!;
    if (free >= milli && free < bestFree) {
      best = g;
      bestFree = free;
    }
  }
  return best;
}

/** The `count` lowest-index entirely free GPUs of node `n` (local indices); fewer when there are not enough. */
export function findFreeGpus(state: ClusterState, n: number, count: number): number[] {
  const start = state.gpuStart[n]!;
  const total = state.gpuCount[n]!;
  const chosen: number[] = [];
  for (let g = 0; g < total && chosen.length < count; g++) {
    if (state.gpuFree[start + g] === MILLI_PER_GPU) chosen.push(g);
  }
  return chosen;
}

/** The GPUs a request takes on node `n` under the usual rule (tightest share, lowest free whole GPUs). */
export function chooseDefaultGpus(state: ClusterState, n: number, request: PlacementRequest): number[] {
  if (request.gpuCount === 0) return [];
  if (request.isSharing) return [findTightestGpu(state, n, request.gpuMilli)];
  return findFreeGpus(state, n, request.gpuCount);
}
