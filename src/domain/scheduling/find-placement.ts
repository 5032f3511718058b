import { allocate, type Allocation, type Placement } from './allocation.js';
import type { ClusterState } from './cluster-state.js';
import { canHost, chooseDefaultGpus } from './feasibility.js';
import type { FreeCapacityIndex } from './free-capacity-index.js';
import type { PackingPolicy } from './packing-policy.js';
import { compilePlacementRequest, type PlacementRequest } from './placement-request.js';
import type { SiteJob } from './site-job.js';

/** How many shared-GPU nodes a fractional job's decision weighs with the packing policy. */
const SHARED_CANDIDATES = 16;

export type PlacementOutcome =
  | { readonly ok: true; readonly placements: readonly Placement[] }
  | { readonly ok: false; readonly reason: 'CAPACITY' | 'GANG' | 'FRAGMENTATION' };

/** The packing core as the site scheduler uses it: the state, its shape index and the policy for GPU shares. */
export interface PackingContext {
  readonly state: ClusterState;
  readonly index: FreeCapacityIndex;
  /** Chooses among the few candidate nodes of a fractional job (`best`). */
  readonly sharePolicy: PackingPolicy;
  readonly requests: Map<string, PlacementRequest>;
}

/** The per-node request of a job on one model, compiled once per shape. */
export function compileJobRequest(ctx: PackingContext, job: SiteJob, model: number): PlacementRequest {
  const key = `${model}/${job.gpusPerNode}/${job.gpuMilli}/${job.cpuMilliPerNode}/${job.memoryMibPerNode}`;
  let request = ctx.requests.get(key);
  if (!request) {
    request = compilePlacementRequest(ctx.state, {
      cpuMilli: job.cpuMilliPerNode,
      memoryMib: job.memoryMibPerNode,
      gpuCount: job.gpusPerNode,
      gpuMilli: job.gpuMilli,
      gpuModels: [ctx.state.models[model]!],
      minGpuMemoryMib: 0,
    });
    ctx.requests.set(key, request);
  }
  return request;
}

/**
 * Where a job goes on nodes of one model, without changing anything; nodes with `excluded[n]` = 1
 * are not used. Whole GPUs: the node with the fewest entirely free GPUs that fit (best fit, read
 * from the index bucket by bucket); a gang: that many distinct nodes at once, or none; a GPU share:
 * the `best` policy among the nodes with a partly used GPU that fits and the fullest nodes with an
 * idle GPU. Cost: O(buckets + nodes looked at), never a scan of the site.
 */
export function findPlacement(
  ctx: PackingContext,
  job: SiteJob,
  model: number,
  excluded: Uint8Array | undefined,
): PlacementOutcome {
  const { state, index } = ctx;
  const request = compileJobRequest(ctx, job, model);
  const need = job.nodes;
  const chosen: number[] = [];
  const fits = (n: number) => (excluded === undefined || excluded[n] !== 1) && canHost(state, n, request);
  if (request.isSharing) {
    for (
      let n = index.firstShared(model);
      n >= 0 && chosen.length < SHARED_CANDIDATES;
      n = index.nextShared(n)
    )
      if (fits(n)) chosen.push(n);
    for (let k = 1; k <= index.maxGpus && chosen.length < SHARED_CANDIDATES + 2; k++) {
      let taken = 0;
      for (let n = index.first(model, k); n >= 0 && taken < 2; n = index.next(n)) {
        if (fits(n)) {
          chosen.push(n);
          taken++;
        }
      }
    }
    if (chosen.length === 0) return { ok: false, reason: classify(ctx, job, model) };
    if (chosen.length === 1)
      return {
        ok: true,
        placements: [{ node: chosen[0]!, gpus: chooseDefaultGpus(state, chosen[0]!, request) }],
      };
    const groups = state.models.map((_, m) => (m === model ? Int32Array.from(chosen) : new Int32Array(0)));
    const placement = ctx.sharePolicy.choose({ ...state, nodesByModel: groups }, request);
    if (!placement) return { ok: false, reason: classify(ctx, job, model) };
    return { ok: true, placements: [placement] };
  }
  for (let k = request.gpuCount; k <= index.maxGpus && chosen.length < need; k++) {
    for (let n = index.first(model, k); n >= 0 && chosen.length < need; n = index.next(n)) {
      if (fits(n)) chosen.push(n);
    }
  }
  if (chosen.length < need) return { ok: false, reason: classify(ctx, job, model) };
  return {
    ok: true,
    placements: chosen.map((n) => ({ node: n, gpus: chooseDefaultGpus(state, n, request) })),
  };
}

/** Takes the placements (all of them: a gang is allocated whole) and keeps the index current. */
export function applyPlacement(
  ctx: PackingContext,
  job: SiteJob,
  model: number,
  placements: readonly Placement[],
): Allocation[] {
  const request = compileJobRequest(ctx, job, model);
  return placements.map((p) => {
    const allocation = allocate(ctx.state, request, p);
    ctx.index.update(p.node);
    return allocation;
  });
}

function classify(ctx: PackingContext, job: SiteJob, model: number): 'CAPACITY' | 'GANG' | 'FRAGMENTATION' {
  const needMilli = job.nodes * job.gpusPerNode * job.gpuMilli;
  if (ctx.index.freeMilli(model) < needMilli) return 'CAPACITY';
  return job.nodes > 1 ? 'GANG' : 'FRAGMENTATION';
}
