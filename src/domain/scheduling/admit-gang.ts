/** One GPU of a site as admission sees it: where, what, and how much of it is free. */
export interface GpuSlot {
  readonly node: string;
  readonly index: number;
  readonly model: string;
  readonly memoryGiB: number;
  /** Thousandths of the GPU still free (1000: idle). */
  readonly freeMilli: number;
}

export interface GangRequest {
  /** Whole GPUs per node; 0 when the job takes a fraction of one GPU. */
  readonly gpusPerNode: number;
  /** For a fraction: thousandths of one GPU (1..999). */
  readonly milliGpus: number;
  readonly nodes: number;
  /** Acceptable models (any case); empty: any. */
  readonly gpuModels: readonly string[];
  readonly minMemoryGiB: number | undefined;
}

export interface NodeGrant {
  readonly node: string;
  readonly gpuIndices: readonly number[];
  readonly milliGpus: number;
}

export type GangAdmission =
  | { readonly admitted: true; readonly grants: readonly NodeGrant[] }
  | { readonly admitted: false; readonly reason: string };

/**
 * First-fit gang admission: `nodes` distinct nodes, each with `gpusPerNode` idle GPUs of one
 * acceptable model (all nodes of a gang share the model), or one GPU with room for the
 * fraction. All or nothing: a gang that does not fit whole gets nothing.
 */
export function admitGang(slots: readonly GpuSlot[], request: GangRequest): GangAdmission {
  const accepts = (slot: GpuSlot) =>
    (request.gpuModels.length === 0 ||
      request.gpuModels.some((m) => m.toLowerCase() === slot.model.toLowerCase())) &&
    (request.minMemoryGiB === undefined || slot.memoryGiB >= request.minMemoryGiB);
  const usable = slots.filter(accepts);
  if (usable.length === 0)
    return { admitted: false, reason: 'no GPU of an acceptable model and memory on this site' };

  if (request.gpusPerNode === 0) {
    // a fraction: the fullest GPU that still has room (best-fit keeps idle GPUs whole)
    const candidates = usable.filter((s) => s.freeMilli >= request.milliGpus);
    const best = candidates.sort(
      (a, b) => a.freeMilli - b.freeMilli || a.node.localeCompare(b.node) || a.index - b.index,
    )[0];
    return best
      ? {
          admitted: true,
          grants: [{ node: best.node, gpuIndices: [best.index], milliGpus: request.milliGpus }],
        }
      : { admitted: false, reason: `no GPU has ${request.milliGpus / 1000} of a GPU free` };
  }

  const byModel = new Map<string, Map<string, number[]>>();
  for (const slot of usable) {
    if (slot.freeMilli < 1000) continue;
    const model = slot.model.toLowerCase();
    const nodes = byModel.get(model) ?? new Map<string, number[]>();
    nodes.set(slot.node, [...(nodes.get(slot.node) ?? []), slot.index]);
    byModel.set(model, nodes);
  }
  let bestShortfall = request.nodes;
  for (const nodes of byModel.values()) {
    const fitting = [...nodes.entries()].filter(([, idle]) => idle.length >= request.gpusPerNode);
    if (fitting.length >= request.nodes) {
      return {
        admitted: true,
        grants: fitting.slice(0, request.nodes).map(([node, idle]) => ({
          node,
          gpuIndices: [...idle].sort((a, b) => a - b).slice(0, request.gpusPerNode),
          milliGpus: request.gpusPerNode * 1000,
        })),
      };
    }
    bestShortfall = Math.min(bestShortfall, request.nodes - fitting.length);
  }
  return {
    admitted: false,
    reason:
      request.nodes > 1
        ? `gang of ${request.nodes} nodes × ${request.gpusPerNode} GPUs: ${bestShortfall} node(s) short right now`
        : `${request.gpusPerNode} idle GPU(s) on one node are not free right now`,
  };
}
