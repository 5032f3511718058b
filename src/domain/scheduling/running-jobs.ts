import type { Allocation } from './allocation.js';
import type { SiteJob } from './site-job.js';

/** A job the site scheduler started: where it runs and since when. */
export interface RunningJob {
  readonly job: SiteJob;
  readonly model: number;
  readonly startedAt: number;
  readonly allocations: readonly Allocation[];
}

/**
 * The running jobs of a site, by id and by node (a node holds at most a few jobs), so that
 * reservations and preemption look at one node's jobs without scanning them all.
 */
export interface RunningJobs {
  readonly byId: Map<number, RunningJob>;
  readonly onNode: number[][];
  /** The running preemptible jobs (the only possible victims), by tenant; no empty sets. */
  readonly preemptible: Map<number, Set<RunningJob>>;
  /**
   * Per tenant, its preemptible jobs in start order (oldest first), with stale entries of jobs
   * that ended: lost work per GPU is the time run, so the youngest are the cheapest victims.
   */
  readonly startOrder: Map<number, RunningJob[]>;
}

export function createRunningJobs(nodeCount: number): RunningJobs {
  return {
    byId: new Map(),
    onNode: Array.from({ length: nodeCount }, () => []),
    preemptible: new Map(),
    startOrder: new Map(),
  };
}

export function addRunningJob(running: RunningJobs, entry: RunningJob): void {
  running.byId.set(entry.job.id, entry);
  for (const a of entry.allocations) running.onNode[a.node]!.push(entry.job.id);
  if (entry.job.isPreemptible) {
    const set = running.preemptible.get(entry.job.tenant);
    if (set) set.add(entry);
    else running.preemptible.set(entry.job.tenant, new Set([entry]));
    let order = running.startOrder.get(entry.job.tenant);
    if (!order) running.startOrder.set(entry.job.tenant, (order = []));
    order.push(entry);
    // drop the entries of ended jobs once they are half the list
    if (order.length > 64 && order.length > 2 * (running.preemptible.get(entry.job.tenant)?.size ?? 0)) {
      const live = running.preemptible.get(entry.job.tenant);
      running.startOrder.set(
        entry.job.tenant,
        order.filter((e) => live?.has(e) === true),
      );
    }
  }
}

export function removeRunningJob(running: RunningJobs, id: number): RunningJob | undefined {
  const entry = running.byId.get(id);
  if (!entry) return undefined;
  running.byId.delete(id);
  const set = running.preemptible.get(entry.job.tenant);
  if (set?.delete(entry) && set.size === 0) running.preemptible.delete(entry.job.tenant);
  for (const a of entry.allocations) {
    const list = running.onNode[a.node]!;
    const at = list.indexOf(id);
    if (at >= 0) {
      list[at] = list[list.length - 1]!;
      list.pop();
    }
  }
  return entry;
}

/** True while the entry is still running (start-order lists keep stale entries). */
export function isRunningEntry(running: RunningJobs, entry: RunningJob): boolean {
  return running.byId.get(entry.job.id) === entry;
}

/**
 * When a running job is expected to end. A job past its estimate is expected to run for another
 * half of its estimate from now (re-read at every pass), so a reservation that counted on it moves
 * later instead of being silently broken.
 */
export function projectEnd(entry: RunningJob, now: number): number {
  const end = entry.startedAt + entry.job.estimateSeconds;
  return end > now ? end : now + Math.max(1, entry.job.estimateSeconds / 2);
}

/** Work lost if the job is stopped now: milli-GPU × seconds run. */
export function measureLostWork(entry: RunningJob, now: number): number {
  const job = entry.job;
  return job.nodes * job.gpusPerNode * job.gpuMilli * (now - entry.startedAt);
}
