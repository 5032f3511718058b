import type { ClusterState } from './cluster-state.js';
import { MILLI_PER_GPU } from './resources.js';

/**
 * Nodes indexed by their free shape, so that a decision looks at a handful of nodes instead of
 * scanning the site: per GPU model, one bucket per count of entirely free GPUs (0..max), and a list
 * of the nodes with a partly used GPU (where GPU shares go first). Buckets are intrusive doubly
 * linked lists in typed arrays: moving a node after a placement costs O(1) plus a pass over its
 * ≤ 8 GPUs. Call `update(n)` after every `allocate`/`release` on node n.
 */
export interface FreeCapacityIndex {
  readonly maxGpus: number;
  /** First node of model `model` with exactly `free` entirely free GPUs; -1 when none. */
  first(model: number, free: number): number;
  /** First node of model `model` with a partly used GPU; -1 when none. */
  firstShared(model: number): number;
  /** The next node in the same bucket (or shared list); -1 at the end. */
  next(n: number): number;
  nextShared(n: number): number;
  /** Nodes of `model` in bucket `free`. */
  count(model: number, free: number): number;
  /** Entirely free GPUs of `model`, and free milli-GPU of `model`. */
  freeWholeGpus(model: number): number;
  freeMilli(model: number): number;
  update(n: number): void;
}

export function createFreeCapacityIndex(state: ClusterState): FreeCapacityIndex {
  const nodeCount = state.nodes.length;
  const models = state.models.length;
  let maxGpus = 0;
  for (let n = 0; n < nodeCount; n++) maxGpus = Math.max(maxGpus, state.gpuCount[n]!);
  const width = maxGpus + 1;
  const head = new Int32Array(models * width).fill(-1);
  const counts = new Int32Array(models * width);
  const next = new Int32Array(nodeCount).fill(-1);
  const prev = new Int32Array(nodeCount).fill(-1);
  const bucketOf = new Int32Array(nodeCount).fill(-1);
  const sharedHead = new Int32Array(models).fill(-1);
  const sharedNext = new Int32Array(nodeCount).fill(-1);
  const sharedPrev = new Int32Array(nodeCount).fill(-1);
  const isShared = new Uint8Array(nodeCount);
  const wholeFree = new Float64Array(models);
  const milliFree = new Float64Array(models);
  const nodeWhole = new Int32Array(nodeCount);
  const nodeMilli = new Int32Array(nodeCount);

  for (let n = nodeCount - 1; n >= 0; n--) {
    const model = state.nodeModel[n]!;
    if (model < 0) continue;
    insert(n, model * width + state.fullGpus[n]!);
    nodeWhole[n] = state.fullGpus[n]!;
    nodeMilli[n] = state.idleMilli[n]!;
    wholeFree[model] = wholeFree[model]! + nodeWhole[n]!;
    milliFree[model] = milliFree[model]! + nodeMilli[n]!;
    if (hasPartGpu(n)) insertShared(n, model);
  }

  function insert(n: number, bucket: number): void {
    const first = head[bucket]!;
    next[n] = first;
    prev[n] = -1;
    if (first >= 0) prev[first] = n;
    head[bucket] = n;
    bucketOf[n] = bucket;
    counts[bucket] = counts[bucket]! + 1;
  }
  function remove(n: number): void {
    const bucket = bucketOf[n]!;
    const p = prev[n]!;
    const q = next[n]!;
    if (p >= 0) next[p] = q;
    else head[bucket] = q;
    if (q >= 0) prev[q] = p;
    counts[bucket] = counts[bucket]! - 1;
    bucketOf[n] = -1;
  }
  function insertShared(n: number, model: number): void {
    const first = sharedHead[model]!;
    sharedNext[n] = first;
    sharedPrev[n] = -1;
    if (first >= 0) sharedPrev[first] = n;
    sharedHead[model] = n;
    isShared[n] = 1;
  }
  function removeShared(n: number, model: number): void {
    const p = sharedPrev[n]!;
    const q = sharedNext[n]!;
    if (p >= 0) sharedNext[p] = q;
    else sharedHead[model] = q;
    if (q >= 0) sharedPrev[q] = p;
    isShared[n] = 0;
  }
  function hasPartGpu(n: number): boolean {
    const start = state.gpuStart[n]!;
    const end = start + state.gpuCount[n]!;
    for (let g = start; g < end; g++) {
      const free = state.gpuFree[g]!;
      if (free > 0 && free < MILLI_PER_GPU) return true;
    }
    return false;
  }

  return {
    maxGpus,
    first: (model, free) => head[model * width + free] ?? -1,
    firstShared: (model) => sharedHead[model] ?? -1,
    next: (n) => next[n]!,
    nextShared: (n) => sharedNext[n]!,
    count: (model, free) => counts[model * width + free] ?? 0,
    freeWholeGpus: (model) => wholeFree[model] ?? 0,
    freeMilli: (model) => milliFree[model] ?? 0,
    update(n) {
      const model = state.nodeModel[n]!;
      if (model < 0) return;
      const full = state.fullGpus[n]!;
      wholeFree[model] = wholeFree[model]! + full - nodeWhole[n]!;
      milliFree[model] = milliFree[model]! + state.idleMilli[n]! - nodeMilli[n]!;
      nodeWhole[n] = full;
      nodeMilli[n] = state.idleMilli[n]!;
      const bucket = model * width + full;
      if (bucketOf[n] !== bucket) {
        remove(n);
        insert(n, bucket);
      }
      const shared = hasPartGpu(n);
      if (shared && isShared[n] === 0) insertShared(n, model);
      else if (!shared && isShared[n] === 1) removeShared(n, model);
    },
  };
}
