import type { WorkloadProfile } from './workload-profile.js';

/**
 * GPUs stranded by memory: FGD's measure counts a node's idle GPUs as fragmented for every pod class
 * its CPU left cannot serve, but leaves memory out (as the paper does). A node whose memory runs
 * out strands its idle GPUs just the same, and on the Alibaba trace that is worth about as much as
 * the margins between good policies. This measure is the memory half of the same definition:
 * idle milli-GPU × the share of the workload's pods that are GPU pods asking for more memory than
 * the node has left. (A class blocked by both CPU and memory is counted by both measures; the
 * overlap is small, as few classes sit near both limits on one node.)
 */
export interface MemoryStranding {
  /** Change of the measure when a node with `idleMilli` and `memoryFree` gives up `milli` and `memoryMib`. */
  measureChange(idleMilli: number, memoryFree: number, milli: number, memoryMib: number): number;
}

/** Builds the measure from the workload's GPU-pod memory requests. */
export function createMemoryStranding(profile: WorkloadProfile): MemoryStranding {
  const memory = Float64Array.from(profile.gpuPodMemory, (c) => c.memoryMib);
  // above[i]: weight of the classes from i on, so "asks more than m" is above[first index > m].
  const above = new Float64Array(memory.length + 1);
  for (let i = memory.length - 1; i >= 0; i--) above[i] = above[i + 1]! + profile.gpuPodMemory[i]!.weight;
  const measureBlocked = (memoryLeft: number): number => above[upperBound(memory, memoryLeft)]!;
  return {
    measureChange(idleMilli, memoryFree, milli, memoryMib) {
      if (idleMilli === 0) return 0;
      return (
        (idleMilli - milli) * measureBlocked(memoryFree - memoryMib) - idleMilli * measureBlocked(memoryFree)
      );
    },
  };
}

/** Number of elements ≤ value. */
function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
