import type { ClusterState } from './cluster-state.js';
import { canHost } from './feasibility.js';
import { buildFragmentationTables } from './fragmentation.js';
import { createFragmentationGradient, type GradientStep } from './fragmentation-gradient.js';
import { listAllNodes, listCandidateGroups, type PackingPolicy } from './packing-policy.js';
import type { WorkloadProfile } from './workload-profile.js';

/** Highest node score, as in kube-scheduler (`framework.MaxNodeScore`). */
const MAX_NODE_SCORE = 100;

/**
 * Fragmentation gradient descent (Weng et al., USENIX ATC 2023): put the pod on the node and GPU
 * that least increase the node's expected fragmentation under the workload's pod distribution.
 * Scored as the paper's simulator scores it, so that our figures and the paper's mean the same:
 * the decrease d (in GPUs) becomes the integer score ⌊100·sigmoid(d)⌋, and equal scores go to the
 * fixed per-seed node priority. (Ranking by the exact gradient instead packs worse: see the
 * scheduling README.)
 */
export function createFgdPolicy(
  state: ClusterState,
  profile: WorkloadProfile,
  rank: Int32Array,
): PackingPolicy {
  const gradient = createFragmentationGradient(state, buildFragmentationTables(profile, state.models));
  const allNodes = listAllNodes(state);
  const step: GradientStep = { delta: 0, gpus: [] };
  const bestGpus: number[] = [];
  return {
    name: 'fgd',
    choose(current, request) {
      let best = -1;
      let bestScore = -1;
      for (const group of listCandidateGroups(current, allNodes, request)) {
        for (const n of group) {
          if (!canHost(current, n, request)) continue;
          gradient.evaluate(current, n, request, step);
          const score = scoreDecrease(-step.delta);
          if (score < bestScore || (score === bestScore && rank[n]! > rank[best]!)) continue;
          best = n;
          bestScore = score;
          bestGpus.length = 0;
          bestGpus.push(...step.gpus);
        }
      }
      return best < 0 ? undefined : { node: best, gpus: [...bestGpus] };
    },
  };
}

/** The simulator's node score for a fragmentation decrease of `milli` milli-GPU. */
function scoreDecrease(milli: number): number {
  return Math.trunc(MAX_NODE_SCORE / (1 + Math.exp(-milli / 1000)));
}
