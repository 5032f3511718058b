import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import type { SiteCapabilities, SiteFacts } from '../../domain/placement/site-facts.js';
import { claimSiteLoad, type SiteLoad } from '../../domain/placement/site-load.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import { describeTenantQuota } from '../../domain/placement/tenant-quota-at-site.js';

/** Milli-GPU held by tenant id, then by lower-case GPU model, on one site. */
export type TenantUsage = Map<string, Map<string, number>>;

/**
 * What every placement decision of one reconciler pass reads besides the job and its tenant:
 * the runnable sites (prepared), their live load, their backends' capabilities and what each
 * tenant holds there (its quota's use). Submission and the reconciler decide on the same one.
 */
export interface PlacementSnapshot {
  readonly prepared: PreparedCatalog;
  /** Each site's load as measured, less what has been placed there since (`claimPlacement`). */
  readonly loads: Map<string, SiteLoad>;
  readonly capabilities: ReadonlyMap<string, SiteCapabilities>;
  /** By site name; placements not yet admitted are added as they are claimed. */
  readonly usage: Map<string, TenantUsage>;
  readonly measuredAt: Date;
}

/**
 * Each site's facts for one tenant: capabilities, and its page of the site's quota book (whose
 * use is read live from the snapshot's usage maps, so a claim recorded there counts at once).
 */
export function describeSiteFacts(
  snapshot: PlacementSnapshot,
  tenantId: string,
  tenantName: string,
): Map<string, SiteFacts> {
  const facts = new Map<string, SiteFacts>();
  for (const { site } of snapshot.prepared.sites) {
    const used = heldBy(snapshot, site.name, tenantId);
    facts.set(site.name, {
      capabilities: snapshot.capabilities.get(site.name),
      quota: describeTenantQuota(site, tenantName, used),
    });
  }
  return facts;
}

/**
 * Counts a placement in the snapshot until the next measure: its GPUs leave the site's free
 * capacity (so the next decisions see it fuller, and a burst of them spreads instead of herding
 * to the one site that looked cheapest) and join its tenant's use of the quota there.
 */
export function claimPlacement(
  snapshot: PlacementSnapshot,
  tenantId: string,
  site: string,
  gpuModel: string,
  spec: JobSpec,
): void {
  const { milliGpus, nodes } = spec.resources;
  const load = snapshot.loads.get(site);
  if (load)
    snapshot.loads.set(
      site,
      claimSiteLoad(load, gpuModel, Math.max(1, Math.ceil(spec.resources.gpus)), nodes, milliGpus),
    );
  const held = heldBy(snapshot, site, tenantId);
  const key = gpuModel.toLowerCase();
  held.set(key, (held.get(key) ?? 0) + milliGpus * nodes);
}

/** The tenant's use of a site, created empty when it holds nothing (claims are added to it in place). */
function heldBy(snapshot: PlacementSnapshot, site: string, tenantId: string): Map<string, number> {
  let bySite = snapshot.usage.get(site);
  if (!bySite) snapshot.usage.set(site, (bySite = new Map()));
  let held = bySite.get(tenantId);
  if (!held) bySite.set(tenantId, (held = new Map()));
  return held;
}
