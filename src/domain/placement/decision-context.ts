import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { PlacementConstraints, SourcedCap } from '../policy/merge-constraints.js';
import type { JobSpec } from '../spec/job-spec.js';
import { rescale, type PreparedCatalog } from './prepare-catalog.js';
import type { SiteLoad } from './site-load.js';

/** What one decision computes once before scanning the sites. */
export interface DecisionContext {
  readonly job: JobSpec;
  readonly constraints: PlacementConstraints;
  readonly at: Date;
  /** Lower-case acceptable GPU models; undefined: any. */
  readonly acceptedModels: ReadonlySet<string> | undefined;
  /** GPUs each node must have: the job's per-node count, or 1 for a fraction of a GPU. */
  readonly gpusPerNode: number;
  /** GPUs the job holds in all, fractions included (0.25 × 1 node = 0.25). */
  readonly totalGpus: number;
  readonly residency: ReadonlySet<string> | undefined;
  readonly jurisdiction: ReadonlySet<string> | undefined;
  readonly allowedSites: ReadonlySet<string> | undefined;
  readonly preferredSites: ReadonlySet<string>;
  /** Candidate prices in the tenant's currency, by candidate index. */
  readonly tenantPrices: readonly (Money | undefined)[];
  /** Every cap with the candidate prices in the cap's currency. */
  readonly caps: readonly {
    readonly cap: SourcedCap;
    /** The cap's amount at PRICE_SCALE digits, for one-bigint comparisons. */
    readonly amount: Decimal;
    readonly prices: readonly (Money | undefined)[];
  }[];
  readonly load: ReadonlyMap<string, SiteLoad> | undefined;
}

export function buildDecisionContext(
  job: JobSpec,
  constraints: PlacementConstraints,
  prepared: PreparedCatalog,
  at: Date,
  load: ReadonlyMap<string, SiteLoad> | undefined,
): DecisionContext {
  const models = job.resources.gpuModels;
  const regionSet = (r: PlacementConstraints['residency']) =>
    r.kind === 'any' ? undefined : new Set(r.countries);
  return {
    job,
    constraints,
    at,
    acceptedModels: models.length > 0 ? new Set(models.map((m) => m.toLowerCase())) : undefined,
    gpusPerNode: Math.max(1, Math.ceil(job.resources.gpus)),
    totalGpus: (job.resources.milliGpus / 1000) * job.resources.nodes,
    residency: regionSet(constraints.residency),
    jurisdiction: regionSet(constraints.jurisdiction),
    allowedSites: constraints.sites ? new Set(constraints.sites) : undefined,
    preferredSites: new Set(constraints.prefer),
    tenantPrices: prepared.pricesIn(constraints.currency),
    caps: constraints.sourcedCaps.map((cap) => ({
      cap,
      amount: rescale(cap.cap).amount,
      prices: prepared.pricesIn(cap.cap.currency),
    })),
    load,
  };
}
