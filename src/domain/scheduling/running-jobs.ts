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
  /** Ids of the running preemptible jobs (the only possible victims). */
  readonly preemptible: Set<number>;
}

export function createRunningJobs(nodeCount: number): RunningJobs {
  return {
    byId: new Map(),
    onNode: Array.from({ length: nodeCount }, () => []),
    preemptible: new Set(),
  };
}

export function addRunningJob(running: RunningJobs, entry: RunningJob): void {
  running.byId.set(entry.job.id, entry);
  for (const a of entry.allocations) running.onNode[a.node]!.push(entry.job.id);
  if (entry.job.isPreemptible) running.preemptible.add(entry.job.id);
}

export function removeRunningJob(running: RunningJobs, id: number): RunningJob | undefined {
  const entry = running.byId.get(id);
  if (!entry) return undefined;
  running.byId.delete(id);
  running.preemptible.delete(id);
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
