import type { ClusterState } from './cluster-state.js';
import { computeFragmentation, measureNodeFragmentation, type FragmentationTables } from './fragmentation.js';
import type { PlacementRequest } from './placement-request.js';
import { MILLI_PER_GPU } from './resources.js';

/** How much a placement would raise a node's expected fragmentation, and on which GPUs. */
export interface GradientStep {
  delta: number;
  gpus: number[];
}

/**
 * Evaluates FGD's gradient node by node. Keeps each node's current fragmentation cached against
 * the node's version, so only nodes changed since the last look are measured again.
 */
export interface FragmentationGradient {
  readonly tables: FragmentationTables;
  /** Current expected fragmentation of node n (cached). */
  measure(state: ClusterState, n: number): number;
  /**
   * The least increase of fragmentation over the GPU choices of node n (which must host the
   * request), written into `step`: whole GPUs take the lowest free ones (they are alike); a share
   * tries each distinct free share that fits, lowest index on ties.
   */
  evaluate(state: ClusterState, n: number, request: PlacementRequest, step: GradientStep): void;
}

/** A gradient evaluator for one cluster state. */
export function createFragmentationGradient(
  state: ClusterState,
  tables: FragmentationTables,
): FragmentationGradient {
  const cached = new Float64Array(state.nodes.length);
  const cachedVersion = new Float64Array(state.nodes.length).fill(-1);
  const scratch = new Int32Array(Math.max(1, ...state.gpuCount));
  const shapes = listNodeShapes(state);
  const pristine = createPristineMemo(shapes.count);
  const measure = (current: ClusterState, n: number): number => {
    const version = current.version[n]!;
    if (cachedVersion[n] !== version) {
      cached[n] = measureNodeFragmentation(tables, current, n);
      cachedVersion[n] = version;
    }
    return cached[n]!;
  };
  return {
    tables,
    measure,
    evaluate(current, n, request, step) {
      // Untouched nodes of one shape all give the same answer: work it out once per request.
      const isPristine = isUntouched(current, n);
      const shape = shapes.ofNode[n]!;
      if (isPristine) {
        if (pristine.request !== request) {
          pristine.request = request;
          pristine.isKnown.fill(0);
        }
        if (pristine.isKnown[shape] === 1) {
          step.delta = pristine.delta[shape]!;
          step.gpus.length = 0;
          step.gpus.push(...pristine.gpus[shape]!);
          return;
        }
      }
      evaluateNode(current, n, request, step);
      if (isPristine) {
        pristine.isKnown[shape] = 1;
        pristine.delta[shape] = step.delta;
        pristine.gpus[shape] = [...step.gpus];
      }
    },
  };

  function evaluateNode(
    current: ClusterState,
    n: number,
    request: PlacementRequest,
    step: GradientStep,
  ): void {
    const before = measure(current, n);
    const model = current.nodeModel[n]!;
    const cpuAfter = current.cpuFree[n]! - request.cpuMilli;
    const start = current.gpuStart[n]!;
    const count = current.gpuCount[n]!;
    for (let g = 0; g < count; g++) scratch[g] = current.gpuFree[start + g]!;
    step.gpus.length = 0;
    if (request.gpuCount === 0) {
      step.delta = computeFragmentation(tables, model, cpuAfter, scratch, count) - before;
      return;
    }
    if (!request.isSharing) {
      for (let g = 0; g < count && step.gpus.length < request.gpuCount; g++) {
        if (scratch[g] !== MILLI_PER_GPU) continue;
        scratch[g] = 0;
        step.gpus.push(g);
      }
      step.delta = computeFragmentation(tables, model, cpuAfter, scratch, count) - before;
      return;
    }
    let bestDelta = Infinity;
    let bestGpu = -1;
    for (let g = 0; g < count; g++) {
      const free = scratch[g]!;
      if (free < request.gpuMilli || isRepeatedShare(scratch, g, free)) continue;
      scratch[g] = free - request.gpuMilli;
      const delta = computeFragmentation(tables, model, cpuAfter, scratch, count) - before;
      scratch[g] = free;
      if (delta < bestDelta) {
        bestDelta = delta;
        bestGpu = g;
      }
    }
    step.delta = bestDelta;
    step.gpus.push(bestGpu);
  }
}

/** Nodes with identical resources share a shape id. */
function listNodeShapes(state: ClusterState): { ofNode: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const ofNode = Int32Array.from(state.nodes, (node, n) => {
    const key = `${node.cpuMilli}/${node.memoryMib}/${node.gpuCount}/${state.nodeModel[n]}/${node.gpuMemoryMib}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    return id;
  });
  return { ofNode, count: ids.size };
}

interface PristineMemo {
  request: PlacementRequest | undefined;
  readonly isKnown: Uint8Array;
  readonly delta: Float64Array;
  readonly gpus: number[][];
}

function createPristineMemo(shapes: number): PristineMemo {
  return {
    request: undefined,
    isKnown: new Uint8Array(shapes),
    delta: new Float64Array(shapes),
    gpus: Array.from({ length: shapes }, () => []),
  };
}

/** True when node n holds nothing at all. */
function isUntouched(state: ClusterState, n: number): boolean {
  const node = state.nodes[n]!;
  return (
    state.fullGpus[n] === node.gpuCount &&
    state.cpuFree[n] === node.cpuMilli &&
    state.memoryFree[n] === node.memoryMib
  );
}

/** True when a GPU before index g has the same free share: trying it again would change nothing. */
function isRepeatedShare(free: Int32Array, g: number, share: number): boolean {
  for (let h = 0; h < g; h++) if (free[h] === share) return true;
  return false;
}
