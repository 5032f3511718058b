import type { ClusterState } from './cluster-state.js';
import { canHost } from './feasibility.js';
import { buildFragmentationTables } from './fragmentation.js';
import { createFragmentationGradient, type GradientStep } from './fragmentation-gradient.js';
import { listAllNodes, listCandidateGroups, type PackingPolicy } from './packing-policy.js';
import { MILLI_PER_GPU } from './resources.js';
import type { WorkloadProfile } from './workload-profile.js';

/**
 * Resolution at which two fragmentation increases count as equal: a tenth of a GPU. Finer than
 * that, the gradient's differences are mostly noise of the typical-pod model, and treating them
 * as ties lets the packing criteria below decide.
 */
export const BEST_STEP_MILLI = 100;

/**
 * Usine's recommended packing: FGD's gradient, read at a resolution of 0.1 GPU, then two
 * packing rules among the placements that tie:
 * 1. a node already in use before an empty one, so that empty nodes stay whole for the pods that
 *    need many GPUs;
 * 2. the fixed per-seed node priority, so that consecutive pods consolidate on the same nodes
 *    instead of spreading evenly over equivalent ones.
 */
export function createBestPolicy(
  state: ClusterState,
  profile: WorkloadProfile,
  rank: Int32Array,
): PackingPolicy {
  const gradient = createFragmentationGradient(state, buildFragmentationTables(profile, state.models));
  const allNodes = listAllNodes(state);
  const step: GradientStep = { delta: 0, gpus: [] };
  const bestGpus: number[] = [];
  return {
    name: 'best',
    choose(current, request) {
      let best = -1;
      let bestLevel = Infinity;
      let bestIsEmpty = true;
      for (const group of listCandidateGroups(current, allNodes, request)) {
        for (const n of group) {
          if (!canHost(current, n, request)) continue;
          gradient.evaluate(current, n, request, step);
          const level = Math.floor(step.delta / BEST_STEP_MILLI);
          const isEmpty = current.idleMilli[n] === current.gpuCount[n]! * MILLI_PER_GPU;
          const isBetter =
            level < bestLevel ||
            (level === bestLevel &&
              ((bestIsEmpty && !isEmpty) || (bestIsEmpty === isEmpty && rank[n]! < rank[best]!)));
          if (!isBetter) continue;
          best = n;
          bestLevel = level;
          bestIsEmpty = isEmpty;
          bestGpus.length = 0;
          bestGpus.push(...step.gpus);
        }
      }
      return best < 0 ? undefined : { node: best, gpus: [...bestGpus] };
    },
  };
}
