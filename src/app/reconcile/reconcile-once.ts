import { prepareCatalog } from '../../domain/placement/prepare-catalog.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import type { AppContext } from '../context.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import { meterUsage } from '../metering/meter-usage.js';
import { stopPreemptibleOverBudget } from '../metering/stop-preemptible.js';
import { admitPlaced, readPlacedWindow } from './admit-placed.js';
import { replaceOverdue } from './replace-overdue.js';
import { launchAdmitted } from './launch-admitted.js';
import { placeQueued } from './place-queued.js';
import { inventoryOf, type ReconcilerState } from './reconciler-state.js';
import { describeSiteLoad, measureSiteUsage, type SiteUsage } from './site-usage.js';
import { measureTenantUsage } from './tenant-usage.js';
import type { SiteCapabilities } from '../../domain/placement/site-facts.js';
import type { TenantUsage } from '../jobs/placement-snapshot.js';
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
 * gangs, backfill), launch admitted jobs, and record how running jobs ended. Every state change is a compare-and-set with its event and audit entry.
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
  const runnable = ctx.catalog.sites.filter((s) => ctx.executors.has(s.name));
  state.prepared ??= prepareCatalog({ ...ctx.catalog, sites: runnable });
  const allocated = await ctx.store.transaction((tx) => tx.listAllocatedJobs());
  const usages = new Map<string, SiteUsage>();
  for (const site of runnable)
    usages.set(site.name, measureSiteUsage(site.name, await inventoryOf(ctx, state, site), allocated));
  const now = ctx.clock.now();
  const loads = new Map<string, SiteLoad>();
  const capabilities = new Map<string, SiteCapabilities>();
  const tenantUsage = new Map<string, TenantUsage>();
  for (const site of runnable) {
    const usage = usages.get(site.name);
    if (usage)
      loads.set(
        site.name,
        describeSiteLoad(usage, allocated, site, now, (j) => readStoredSpec(j.id, j.document).duration),
      );
    const executor = ctx.executors.get(site.name);
    if (executor) capabilities.set(site.name, executor.capabilities);
    tenantUsage.set(site.name, measureTenantUsage(site.name, await inventoryOf(ctx, state, site), allocated));
  }
  const snapshot = { prepared: state.prepared, loads, capabilities, usage: tenantUsage, measuredAt: now };

  ctx.livePlacement?.publish(snapshot);
  await placeQueued(ctx, state, report, snapshot, now);
  const placed = await readPlacedWindow(ctx);
  const replaced = await replaceOverdue(ctx, state, report, snapshot, placed, now);
  const current = replaced.size === 0 ? placed : placed.map((j) => replaced.get(j.id) ?? j);
  await admitPlaced(ctx, state, report, allocated, current, now);
  await launchAdmitted(ctx, report);
  await watchRunning(ctx, report, allocated);
  await meterUsage(ctx, ctx.clock.now());
  await stopPreemptibleOverBudget(ctx, ctx.clock.now());
  return report;
}
