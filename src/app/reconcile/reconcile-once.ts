import { prepareCatalog } from '../../domain/placement/prepare-catalog.js';
import type { AppContext } from '../context.js';
import { meterUsage } from '../metering/meter-usage.js';
import { stopPreemptibleOverBudget } from '../metering/stop-preemptible.js';
import { admitPlaced, readPlacedWindow } from './admit-placed.js';
import { launchAdmitted } from './launch-admitted.js';
import { measurePlacementSnapshot } from './measure-placement-snapshot.js';
import { placeQueued } from './place-queued.js';
import { reconcileServices } from '../services/reconcile-services.js';
import type { ReconcilerState } from './reconciler-state.js';
import { replaceOverdue } from './replace-overdue.js';
import { watchRunning } from './watch-running.js';

/** What one pass did, for logs and metrics. */
export interface ReconcileReport {
  placed: number;
  unplaceable: number;
  admitted: number;
  launched: number;
  finished: number;
  placementSeconds: number[];
}

/**
 * One pass of the control loop: place queued jobs on the federation, place again the jobs
 * that waited past their wait bound (ADR 0008), admit placed jobs on
 * their site's GPUs through the site scheduler (quotas, fair share, priorities with preemption,
 * gangs, backfill), launch admitted jobs, and record how running jobs ended; before all that, the service
 * controller submits and stops replicas. Every state change is a compare-and-set with its event and audit entry.
 */
export async function reconcileOnce(ctx: AppContext, state: ReconcilerState): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    placed: 0,
    unplaceable: 0,
    admitted: 0,
    launched: 0,
    finished: 0,
    placementSeconds: [],
  };
  // services first: the replicas they submit are placed and admitted in this same pass
  await reconcileServices(ctx, state.services);
  const runnable = ctx.catalog.sites.filter((s) => ctx.executors.has(s.name));
  state.prepared ??= prepareCatalog({ ...ctx.catalog, sites: runnable });
  const now = ctx.clock.now();
  const allocated = await ctx.store.transaction((tx) => tx.listAllocatedJobs());
  const placed = await readPlacedWindow(ctx);
  const snapshot = await measurePlacementSnapshot(ctx, state, runnable, allocated, placed, now);

  ctx.livePlacement?.publish(snapshot);
  const newlyPlaced = await placeQueued(ctx, state, report, snapshot, now);
  const replaced = await replaceOverdue(ctx, state, report, snapshot, placed, now);
  const current = [...placed.map((j) => replaced.get(j.id) ?? j), ...newlyPlaced];
  await admitPlaced(ctx, state, report, allocated, current, now);
  await launchAdmitted(ctx, report);
  await watchRunning(ctx, report, allocated);
  await meterUsage(ctx, ctx.clock.now());
  await stopPreemptibleOverBudget(ctx, ctx.clock.now());
  return report;
}
