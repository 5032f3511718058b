import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { PlacementConstraints, SourcedCap } from '../policy/merge-constraints.js';
import type { JobSpec } from '../spec/job-spec.js';
import { rescale, PRICE_SCALE, type PreparedCatalog } from './prepare-catalog.js';
import { toExactUnits, type PriceColumn } from './price-column.js';
import type { CandidateCheck } from './check-site.js';
import type { RankContext } from './rank-options.js';
import type { SiteCapabilities, SiteFacts } from './site-facts.js';
import type { SiteLoad } from './site-load.js';
import { mayBorrow } from './tenant-quota-at-site.js';

/** A price cap with the candidate prices in its currency. */
export interface CapColumn {
  readonly cap: SourcedCap;
  /** The cap's amount at PRICE_SCALE digits, for one-bigint comparisons. */
  readonly amount: Decimal;
  /** The same as an exact float (NaN: not representable, compare the Decimals). */
  readonly amountUnits: number;
  readonly prices: readonly (Money | undefined)[];
  readonly units: Float64Array;
}

/** What one decision computes once before scanning the sites. */
export interface DecisionContext {
  readonly job: JobSpec;
  readonly constraints: PlacementConstraints;
  readonly at: Date;
  readonly atMs: number;
  readonly prepared: PreparedCatalog;
  /** Lower-case acceptable GPU models; undefined: any. */
  readonly acceptedModels: ReadonlySet<string> | undefined;
  /** GPUs each node must have: the job's per-node count, or 1 for a fraction of a GPU. */
  readonly gpusPerNode: number;
  /** GPUs the job holds in all, fractions included (0.25 × 1 node = 0.25). */
  readonly totalGpus: number;
  /** The residency and jurisdiction by country id (1: inside); undefined: any country. */
  readonly isInResidency: Uint8Array | undefined;
  readonly isInJurisdiction: Uint8Array | undefined;
  /** Lower-case names of the required certifications. */
  readonly certificationKeys: readonly string[];
  readonly allowedSites: ReadonlySet<string> | undefined;
  readonly preferredSites: ReadonlySet<string>;
  /**
   * Seconds the job may wait for its start: `maxWait`, and `maxWaitForPreferred` when it
   * prefers sites (the smaller); a site that cannot start it sooner ranks after every one that can.
   */
  readonly waitBound: number;
  /** Sites the job already waited at past its bound: late whatever their load says. */
  readonly lateSites: ReadonlySet<string> | undefined;
  /** Candidate prices in the tenant's currency, by candidate index. */
  readonly tenantPrices: readonly (Money | undefined)[];
  readonly tenantColumn: PriceColumn;
  /** Every cap with the candidate prices in the cap's currency. */
  readonly caps: readonly CapColumn[];
  readonly load: ReadonlyMap<string, SiteLoad> | undefined;
  /** Capabilities and the tenant's quota by site name, where known. */
  readonly sites: ReadonlyMap<string, SiteFacts> | undefined;
  /** What the job asks of a backend. */
  readonly needs: SiteCapabilities;
  /** Milli-GPU the job holds in all (what it counts against a quota). */
  readonly totalMilli: number;
  /** Whether it may run above its tenant's nominal quota. */
  readonly isBorrowing: boolean;
  /** The same wants flattened for the scan over every way to run. */
  readonly check: CandidateCheck;
  readonly rank: RankContext;
}

export function buildDecisionContext(
  job: JobSpec,
  constraints: PlacementConstraints,
  prepared: PreparedCatalog,
  at: Date,
  load: ReadonlyMap<string, SiteLoad> | undefined,
  sites?: ReadonlyMap<string, SiteFacts>,
  lateSites?: ReadonlySet<string>,
): DecisionContext {
  const models = job.resources.gpuModels;
  const acceptedModels = models.length > 0 ? new Set(models.map((m) => m.toLowerCase())) : undefined;
  const residencyRegion = constraints.residency;
  const jurisdictionRegion = constraints.jurisdiction;
  const tenantColumn = prepared.priceColumnIn(constraints.currency);
  const { gpuMemoryGiB, cpus, memoryGiB } = job.resources;
  const isModelAccepted = acceptedModels && flagIds([...acceptedModels], prepared.modelIds);
  const gpusPerNode = Math.max(1, Math.ceil(job.resources.gpus));
  const caps = constraints.sourcedCaps.map((cap) => {
    const amount = rescale(cap.cap).amount;
    const column = prepared.priceColumnIn(cap.cap.currency);
    return {
      cap,
      amount,
      amountUnits: toExactUnits({ amount, currency: cap.cap.currency }, PRICE_SCALE),
      prices: column.prices,
      units: column.units,
    };
  });
  const columns = prepared.columns;
  const check: CandidateCheck = {
    modelId: columns.modelId,
    isSpot: columns.isSpot,
    gpuMemoryGiB: columns.gpuMemoryGiB,
    gpusPerNode: columns.gpusPerNode,
    nodes: columns.nodes,
    cpusPerNode: columns.cpusPerNode,
    memoryGiBPerNode: columns.memoryGiBPerNode,
    isModelAccepted,
    isSpotAccepted: job.preemptible,
    wantedGpuMemoryGiB: gpuMemoryGiB ?? Number.NEGATIVE_INFINITY,
    wantedGpusPerNode: gpusPerNode,
    wantedNodes: job.resources.nodes,
    wantedCpus: cpus ?? Number.NEGATIVE_INFINITY,
    wantedMemoryGiB: memoryGiB ?? Number.NEGATIVE_INFINITY,
    tenantUnits: tenantColumn.units,
    tenantPrices: tenantColumn.prices,
    caps,
  };
  return {
    job,
    constraints,
    at,
    atMs: at.getTime(),
    prepared,
    acceptedModels,
    gpusPerNode,
    totalGpus: (job.resources.milliGpus / 1000) * job.resources.nodes,
    isInResidency:
      residencyRegion.kind === 'any' ? undefined : flagIds(residencyRegion.countries, prepared.countryIds),
    isInJurisdiction:
      jurisdictionRegion.kind === 'any'
        ? undefined
        : flagIds(jurisdictionRegion.countries, prepared.countryIds),
    certificationKeys: constraints.sourcedCertifications.map((c) => c.name.toLowerCase()),
    allowedSites: constraints.sites ? new Set(constraints.sites) : undefined,
    preferredSites: constraints.prefer.length > 0 ? new Set(constraints.prefer) : NO_SITES,
    waitBound: Math.min(
      constraints.maxWait ?? Infinity,
      constraints.prefer.length > 0 ? constraints.maxWaitForPreferred : Infinity,
    ),
    lateSites,
    tenantPrices: tenantColumn.prices,
    tenantColumn,
    caps,
    load,
    sites,
    needs: {
      containers: job.image !== undefined,
      fractionalGpus: job.resources.milliGpus % 1000 !== 0,
      services: job.kind === 'Service',
    },
    totalMilli: job.resources.milliGpus * job.resources.nodes,
    isBorrowing: mayBorrow(job),
    check,
    rank: {
      objective: constraints.objective,
      tenantUnits: tenantColumn.units,
      tenantPrices: tenantColumn.prices,
      tieRank: columns.tieRank,
    },
  };
}

const NO_SITES: ReadonlySet<string> = new Set();

/** 1 at the id of every name of `names` that has one. */
function flagIds(names: readonly string[], ids: ReadonlyMap<string, number>): Uint8Array {
  const flags = new Uint8Array(ids.size);
  for (let k = 0; k < names.length; k++) {
    const id = ids.get(names[k] as string);
    if (id !== undefined) flags[id] = 1;
  }
  return flags;
}
