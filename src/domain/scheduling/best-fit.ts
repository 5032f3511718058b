import type { ClusterState } from './cluster-state.js';
import { canHost, chooseDefaultGpus } from './feasibility.js';
import { listAllNodes, listCandidateGroups, type PackingPolicy } from './packing-policy.js';
import { MILLI_PER_GPU } from './resources.js';

/**
 * The node left with the least CPU and GPU after the pod, each counted as a share of the largest
 * node's (the FGD paper's BestFit baseline); the tightest GPU on it; ties to the lower rank.
 */
export function createBestFitPolicy(state: ClusterState, rank: Int32Array): PackingPolicy {
  const allNodes = listAllNodes(state);
  const cpuScale = Math.max(1, ...state.nodes.map((node) => node.cpuMilli));
  const gpuScale = Math.max(1, ...state.nodes.map((node) => node.gpuCount * MILLI_PER_GPU));
  return {
    name: 'best-fit',
    choose(current, request) {
      let best = -1;
      let bestScore = Infinity;
      for (const group of listCandidateGroups(current, allNodes, request)) {
        for (const n of group) {
          if (!canHost(current, n, request)) continue;
          const score =
            (current.cpuFree[n]! - request.cpuMilli) / cpuScale +
            (current.idleMilli[n]! - request.gpuTotal) / gpuScale;
          if (score < bestScore || (score === bestScore && rank[n]! < rank[best]!)) {
            best = n;
            bestScore = score;
          }
        }
      }
      return best < 0 ? undefined : { node: best, gpus: chooseDefaultGpus(current, best, request) };
    },
  };
}
