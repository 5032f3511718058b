import type { ClusterState } from './cluster-state.js';
import { MILLI_PER_GPU } from './resources.js';
import { projectEnd, type RunningJobs } from './running-jobs.js';
import type { SiteJob } from './site-job.js';

/**
 * EASY backfill's reservation: the nodes the head job will start on and when, from the running
 * jobs' estimates. Other jobs may use these nodes only if they are expected to end by `at`.
 */
export interface Reservation {
  readonly jobId: number;
  readonly priority: number;
  readonly model: number;
  readonly at: number;
  readonly nodes: readonly number[];
}

/**
 * When node n will have the job's per-node GPUs free, from the expected ends of its jobs: each GPU
 * is free when its last occupant ends. CPU and memory are not planned (they follow the GPUs in the
 * workloads this serves); a job that is past its estimate counts per `projectEnd`.
 */
export function projectNodeFree(
  state: ClusterState,
  running: RunningJobs,
  n: number,
  job: SiteJob,
  now: number,
  scratch: Float64Array,
): number {
  const start = state.gpuStart[n]!;
  const count = state.gpuCount[n]!;
  for (let g = 0; g < count; g++) scratch[g] = state.gpuFree[start + g] === MILLI_PER_GPU ? now : -1;
  for (const id of running.onNode[n]!) {
    const entry = running.byId.get(id);
    if (!entry) continue;
    const end = projectEnd(entry, now);
    for (const a of entry.allocations) {
      if (a.node !== n) continue;
      for (const g of a.gpus) if (scratch[g]! < end) scratch[g] = end;
    }
  }
  if (job.gpuMilli < MILLI_PER_GPU) {
    let best = Infinity;
    for (let g = 0; g < count; g++) {
      const t = state.gpuFree[start + g]! >= job.gpuMilli ? now : scratch[g]!;
      if (t < best) best = t;
    }
    return best;
  }
  if (job.gpusPerNode > count) return Infinity;
  // the gpusPerNode-th earliest GPU (insertion sort over ≤ 8 values)
  for (let i = 1; i < count; i++) {
    const v = scratch[i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  return scratch[job.gpusPerNode - 1]!;
}

/**
 * The earliest time the job can start on `model` and the nodes it will use then: the `nodes`
 * nodes that free its shape first. O(nodes of the model × jobs per node); computed only when the
 * head job changes or its reservation no longer holds.
 */
export function planReservation(
  state: ClusterState,
  running: RunningJobs,
  job: SiteJob,
  model: number,
  now: number,
): Reservation | undefined {
  const members = state.nodesByModel[model];
  if (!members) return undefined;
  const scratch = new Float64Array(64);
  const k = job.nodes;
  const times: number[] = [];
  const nodes: number[] = [];
  for (const n of members) {
    if (state.gpuCount[n]! > scratch.length) continue;
    const t = projectNodeFree(state, running, n, job, now, scratch);
    if (!Number.isFinite(t)) continue;
    let i: number;
    if (times.length < k) {
      times.push(t);
      nodes.push(n);
      i = times.length - 1;
    } else {
      if (t >= times[k - 1]!) continue;
      i = k - 1;
      times[i] = t;
      nodes[i] = n;
    }
    while (i > 0 && times[i - 1]! > times[i]!) {
      [times[i - 1], times[i]] = [times[i]!, times[i - 1]!];
      [nodes[i - 1], nodes[i]] = [nodes[i]!, nodes[i - 1]!];
      i--;
    }
  }
  if (times.length < k) return undefined;
  return { jobId: job.id, priority: job.priority, model, at: times[k - 1]!, nodes };
}

/** True while every reserved node is still expected to be free by the reserved time. */
export function isReservationKept(
  state: ClusterState,
  running: RunningJobs,
  reservation: Reservation,
  job: SiteJob,
  now: number,
): boolean {
  const scratch = new Float64Array(64);
  return reservation.nodes.every(
    (n) => projectNodeFree(state, running, n, job, now, scratch) <= reservation.at,
  );
}
