import { drawIndex, type Random } from '../random.js';
import { canHost, findFreeGpus } from './feasibility.js';
import { listAllNodes, listCandidateGroups, type PackingPolicy } from './packing-policy.js';
import type { ClusterState } from './cluster-state.js';

/** A node drawn uniformly among those that can host the request, and a GPU drawn among those that fit. */
export function createRandomPolicy(state: ClusterState, random: Random): PackingPolicy {
  const allNodes = listAllNodes(state);
  const feasible: number[] = [];
  const fitting: number[] = [];
  return {
    name: 'random',
    choose(current, request) {
      feasible.length = 0;
      for (const group of listCandidateGroups(current, allNodes, request))
        for (const n of group) if (canHost(current, n, request)) feasible.push(n);
      if (feasible.length === 0) return undefined;
      const node = feasible[drawIndex(random, feasible.length)]!;
      if (request.gpuCount === 0) return { node, gpus: [] };
      if (!request.isSharing) return { node, gpus: findFreeGpus(current, node, request.gpuCount) };
      fitting.length = 0;
      const start = current.gpuStart[node]!;
      for (let g = 0; g < current.gpuCount[node]!; g++)
        if (current.gpuFree[start + g]! >= request.gpuMilli) fitting.push(g);
      return { node, gpus: [fitting[drawIndex(random, fitting.length)]!] };
    },
  };
}
