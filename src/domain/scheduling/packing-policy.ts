import type { Placement } from './allocation.js';
import type { ClusterState } from './cluster-state.js';
import type { PlacementRequest } from './placement-request.js';

/**
 * Chooses a node and GPUs for one request, reading the state without changing it; undefined when
 * no node can host the request. A policy may keep caches between calls (they must follow the
 * nodes' `version`), so one policy instance serves one cluster state.
 */
export interface PackingPolicy {
  readonly name: string;
  choose(state: ClusterState, request: PlacementRequest): Placement | undefined;
}

/**
 * The nodes a request may go to, grouped: the nodes of its acceptable GPU models, or every node
 * for a CPU-only request. Saves scanning nodes of a model the request refuses.
 */
export function listCandidateGroups(
  state: ClusterState,
  allNodes: Int32Array,
  request: PlacementRequest,
): readonly Int32Array[] {
  if (request.gpuCount === 0) return [allNodes];
  if (request.allowedModels === undefined) return state.nodesByModel;
  return state.nodesByModel.filter((_, model) => request.allowedModels![model] === 1);
}

/** Every node index of the state, in order. */
export function listAllNodes(state: ClusterState): Int32Array {
  return Int32Array.from(state.nodes, (_, n) => n);
}
