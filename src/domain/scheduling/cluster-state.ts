import { MILLI_PER_GPU, normaliseGpuModel, type NodeSpec } from './resources.js';

/**
 * The free resources of every node of one site, kept in flat typed arrays so that a placement
 * decision reads them without allocating. Mutated only by `allocate` and `release`; every change
 * to a node bumps its `version`, which is how policies keep per-node caches honest.
 */
export interface ClusterState {
  readonly nodes: readonly NodeSpec[];
  /** Normalised GPU model names; a node's `nodeModel` indexes this list (-1: no GPU). */
  readonly models: readonly string[];
  readonly nodeModel: Int32Array;
  /** Node `n`'s GPUs are `gpuFree[gpuStart[n] .. gpuStart[n] + gpuCount[n])`. */
  readonly gpuStart: Int32Array;
  readonly gpuCount: Int32Array;
  /** Free milli-GPU of each GPU (1000 = idle). */
  readonly gpuFree: Int32Array;
  readonly cpuFree: Float64Array;
  readonly memoryFree: Float64Array;
  /** Sum of `gpuFree` over the node's GPUs. */
  readonly idleMilli: Int32Array;
  /** Number of the node's GPUs that are entirely free. */
  readonly fullGpus: Int32Array;
  readonly version: Uint32Array;
  /** Nodes of each model, in node order. */
  readonly nodesByModel: readonly Int32Array[];
  readonly capacityMilli: number;
  readonly totals: { allocatedMilli: number };
}

/** A fresh, empty cluster. */
export function createClusterState(nodes: readonly NodeSpec[]): ClusterState {
  const models: string[] = [];
  const modelIndex = new Map<string, number>();
  const nodeModel = new Int32Array(nodes.length);
  const gpuStart = new Int32Array(nodes.length);
  const gpuCount = new Int32Array(nodes.length);
  let gpus = 0;
  nodes.forEach((node, n) => {
    gpuStart[n] = gpus;
    gpuCount[n] = node.gpuCount;
    gpus += node.gpuCount;
    const model = normaliseGpuModel(node.gpuModel);
    if (node.gpuCount === 0 || model === '') {
      nodeModel[n] = -1;
      return;
    }
    let id = modelIndex.get(model);
    if (id === undefined) {
      id = models.length;
      models.push(model);
      modelIndex.set(model, id);
    }
    nodeModel[n] = id;
  });
  const members = models.map(() => [] as number[]);
  nodeModel.forEach((id, n) => {
    if (id >= 0) members[id]?.push(n);
  });
  return {
    nodes,
    models,
    nodeModel,
    gpuStart,
    gpuCount,
    gpuFree: new Int32Array(gpus).fill(MILLI_PER_GPU),
    cpuFree: Float64Array.from(nodes, (node) => node.cpuMilli),
    memoryFree: Float64Array.from(nodes, (node) => node.memoryMib),
    idleMilli: Int32Array.from(nodes, (node) => node.gpuCount * MILLI_PER_GPU),
    fullGpus: Int32Array.from(nodes, (node) => node.gpuCount),
    version: new Uint32Array(nodes.length),
    nodesByModel: members.map((list) => Int32Array.from(list)),
    capacityMilli: gpus * MILLI_PER_GPU,
    totals: { allocatedMilli: 0 },
  };
}
