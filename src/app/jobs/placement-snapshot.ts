import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import type { SiteCapabilities, SiteFacts } from '../../domain/placement/site-facts.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
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
  readonly loads: ReadonlyMap<string, SiteLoad>;
  readonly capabilities: ReadonlyMap<string, SiteCapabilities>;
  /** By site name. */
  readonly usage: ReadonlyMap<string, TenantUsage>;
  readonly measuredAt: Date;
}

const NOTHING_HELD: ReadonlyMap<string, number> = new Map();

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
    const used = snapshot.usage.get(site.name)?.get(tenantId) ?? NOTHING_HELD;
    facts.set(site.name, {
      capabilities: snapshot.capabilities.get(site.name),
      quota: describeTenantQuota(site, tenantName, used),
    });
  }
  return facts;
}
