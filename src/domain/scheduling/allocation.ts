import type { ClusterState } from './cluster-state.js';
import { canHost } from './feasibility.js';
import type { PlacementRequest } from './placement-request.js';
import { MILLI_PER_GPU } from './resources.js';

/** What one pod holds on one node; give it back with `release`. */
export interface Allocation {
  readonly node: number;
  readonly cpuMilli: number;
  readonly memoryMib: number;
  /** Local GPU indices on the node; each holds `gpuMilli`. */
  readonly gpus: readonly number[];
  readonly gpuMilli: number;
}

/** Where a policy puts a pod: a node and the GPUs on it (local indices). */
export interface Placement {
  readonly node: number;
  readonly gpus: readonly number[];
}

/**
 * Takes the resources of `request` on the placement's node. Throws when the placement does not
 * fit: a policy that proposes one is a bug, and no GPU is ever over-allocated.
 */
export function allocate(state: ClusterState, request: PlacementRequest, placement: Placement): Allocation {
  const n = placement.node;
  if (!canHost(state, n, request) || placement.gpus.length !== request.gpuCount)
    throw new Error(`placement on node ${n} does not fit the request`);
  const start = state.gpuStart[n]!;
  const seen = new Set<number>();
  for (const g of placement.gpus) {
    if (g < 0 || g >= state.gpuCount[n]! || seen.has(g) || state.gpuFree[start + g]! < request.gpuMilli)
      throw new Error(`GPU ${g} of node ${n} cannot hold ${request.gpuMilli} milli-GPU`);
    seen.add(g);
  }
  for (const g of placement.gpus) adjustGpu(state, n, start + g, -request.gpuMilli);
  state.cpuFree[n] = state.cpuFree[n]! - request.cpuMilli;
  state.memoryFree[n] = state.memoryFree[n]! - request.memoryMib;
  state.totals.allocatedMilli += request.gpuTotal;
  state.version[n] = state.version[n]! + 1;
  return {
    node: n,
    cpuMilli: request.cpuMilli,
    memoryMib: request.memoryMib,
    gpus: [...placement.gpus],
    gpuMilli: request.gpuMilli,
  };
}

/** Gives back everything an allocation holds. Releasing the same allocation twice is a bug of the caller. */
export function release(state: ClusterState, allocation: Allocation): void {
  const n = allocation.node;
  const start = state.gpuStart[n]!;
  for (const g of allocation.gpus) {
    if (state.gpuFree[start + g]! + allocation.gpuMilli > MILLI_PER_GPU)
      throw new Error(`GPU ${g} of node ${n} would hold more than it has: released twice?`);
  }
  for (const g of allocation.gpus) adjustGpu(state, n, start + g, allocation.gpuMilli);
  state.cpuFree[n] = state.cpuFree[n]! + allocation.cpuMilli;
  state.memoryFree[n] = state.memoryFree[n]! + allocation.memoryMib;
  state.totals.allocatedMilli -= allocation.gpus.length * allocation.gpuMilli;
  state.version[n] = state.version[n]! + 1;
}

function adjustGpu(state: ClusterState, n: number, gpu: number, delta: number): void {
  const before = state.gpuFree[gpu]!;
  const after = before + delta;
  state.gpuFree[gpu] = after;
  state.idleMilli[n] = state.idleMilli[n]! + delta;
  if (before === MILLI_PER_GPU) state.fullGpus[n] = state.fullGpus[n]! - 1;
  if (after === MILLI_PER_GPU) state.fullGpus[n] = state.fullGpus[n]! + 1;
}
