import type { Site } from '../../domain/catalog/catalog.js';
import type { SiteCapabilities } from '../../domain/placement/site-facts.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import type { AppContext } from '../context.js';
import { claimPlacement, type PlacementSnapshot, type TenantUsage } from '../jobs/placement-snapshot.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { JobRecord } from '../ports/records.js';
import { inventoryOf, type ReconcilerState } from './reconciler-state.js';
import { describeSiteLoad, measureSiteUsage } from './site-usage.js';
import { readStoredPlacement } from './stored-placement.js';
import { measureTenantUsage } from './tenant-usage.js';

/**
 * The snapshot every placement of this pass decides on (and submission until the next pass):
 * each runnable site's free GPUs and soonest expected end from its inventory and the admitted
 * and running jobs, its executor's capabilities, what each tenant holds there; then the placed
 * jobs of the window counted as claims (they will take those GPUs and that quota), so neither
 * this pass nor the submissions after it pile more work on a site that only looks free.
 */
export async function measurePlacementSnapshot(
  ctx: AppContext,
  state: ReconcilerState,
  runnable: readonly Site[],
  allocated: readonly JobRecord[],
  placed: readonly JobRecord[],
  measuredAt: Date,
): Promise<PlacementSnapshot> {
  const loads = new Map<string, SiteLoad>();
  const capabilities = new Map<string, SiteCapabilities>();
  const usage = new Map<string, TenantUsage>();
  for (const site of runnable) {
    const devices = await inventoryOf(ctx, state, site);
    const measured = measureSiteUsage(site.name, devices, allocated);
    loads.set(
      site.name,
      describeSiteLoad(
        measured,
        allocated,
        site,
        measuredAt,
        (j) => readStoredSpec(j.id, j.document).duration,
      ),
    );
    const executor = ctx.executors.get(site.name);
    if (executor) capabilities.set(site.name, executor.capabilities);
    usage.set(site.name, measureTenantUsage(site.name, devices, allocated));
  }
  const snapshot: PlacementSnapshot = {
    prepared: state.prepared!,
    loads,
    capabilities,
    usage,
    measuredAt,
  };
  for (const job of placed) {
    const stored = readStoredPlacement(job.placement);
    if (!stored || job.site !== stored.site) continue;
    claimPlacement(
      snapshot,
      job.tenantId,
      stored.site,
      stored.gpuModel,
      readStoredSpec(job.id, job.document),
    );
  }
  return snapshot;
}
