import type {
  CapacityRow,
  Catalog,
  Site,
  SiteOffering,
  TenantPolicy,
} from '../../src/domain/catalog/catalog.js';
import { findCountryGridCarbon } from '../../src/domain/energy/grid-carbon.js';
import type { Region } from '../../src/domain/geo/region.js';
import { convertMoney } from '../../src/domain/money/convert.js';
import { compareDecimals, decimalFromInteger, multiplyDecimals } from '../../src/domain/money/decimal.js';
import type { Money } from '../../src/domain/money/money.js';
import { estimateCarbonKg, estimateEnergyKWh } from '../../src/domain/placement/estimate-run.js';
import type { ReasonCode } from '../../src/domain/placement/rejection-reason.js';
import type { SiteLoad } from '../../src/domain/placement/site-load.js';
import type { JobSpec } from '../../src/domain/spec/job-spec.js';

/**
 * An independent, obviously-correct evaluation of the placement rules straight from the
 * brief, written without the domain's placement code: the oracle for the property tests.
 */
export interface CandidateVerdict {
  readonly row: CapacityRow;
  readonly offering: SiteOffering;
  readonly failures: ReadonlySet<ReasonCode>;
  readonly tenantPrice: Money | undefined;
}

export interface SiteVerdict {
  readonly site: Site;
  readonly siteFailures: ReadonlySet<ReasonCode>;
  /** Candidates of an acceptable model and an allowed offering kind. */
  readonly candidates: readonly CandidateVerdict[];
  readonly isFeasible: boolean;
}

const inRegion = (country: string, region: Region | undefined) =>
  region === undefined || region.kind === 'any' || region.countries.includes(country);

function isValidAt(expires: string | undefined, at: Date): boolean {
  return expires === undefined || at.getTime() < Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
}

export function judgeSites(
  catalog: Catalog,
  job: JobSpec,
  policy: TenantPolicy | undefined,
  at: Date,
): SiteVerdict[] {
  const c = job.constraints;
  const currency = policy?.currency ?? 'EUR';
  const caps = [...c.maxPricesPerGpuHour, ...(policy?.maxPricePerGpuHour ? [policy.maxPricePerGpuHour] : [])];
  const certs = [...c.certifications, ...(policy?.certifications ?? [])];
  const gpusPerNode = Math.max(1, Math.ceil(job.resources.gpus));
  return catalog.sites.map((site) => {
    const siteFailures = new Set<ReasonCode>();
    if ((c.sites && !c.sites.includes(site.name)) || (policy?.sites && !policy.sites.includes(site.name))) {
      siteFailures.add('SITE_NOT_ALLOWED');
    }
    if (!inRegion(site.country, c.residency) || !inRegion(site.country, policy?.residency))
      siteFailures.add('RESIDENCY');
    const provider = catalog.providers.find((p) => p.name === site.provider);
    const seats = provider ? [provider.jurisdiction, ...provider.parents.map((p) => p.jurisdiction)] : ['??'];
    if (seats.some((s) => !inRegion(s, c.jurisdiction) || !inRegion(s, policy?.jurisdiction))) {
      siteFailures.add('JURISDICTION');
    }
    for (const cert of certs) {
      const held = site.certifications.find((h) => h.name.toLowerCase() === cert.toLowerCase());
      if (!held || !isValidAt(held.expires, at)) siteFailures.add('CERTIFICATION');
    }
    const candidates: CandidateVerdict[] = [];
    for (const offering of site.offerings) {
      if (offering.kind === 'spot' && !job.preemptible) continue;
      const model = offering.gpuModel.toLowerCase();
      const wanted = job.resources.gpuModels.map((m) => m.toLowerCase());
      if (wanted.length > 0 && !wanted.includes(model)) continue;
      for (const row of site.capacity) {
        if (row.gpuModel.toLowerCase() !== model) continue;
        const failures = new Set<ReasonCode>();
        if (job.resources.gpuMemoryGiB !== undefined && row.gpuMemoryGiB < job.resources.gpuMemoryGiB) {
          failures.add('GPU_MEMORY');
        }
        const cpus = job.resources.cpus;
        if (
          row.gpusPerNode < gpusPerNode ||
          row.nodes < job.resources.nodes ||
          (cpus !== undefined && row.cpusPerNode !== undefined && row.cpusPerNode < cpus)
        ) {
          failures.add('CAPACITY');
        }
        const tenantPrice = convertMoney(offering.pricePerGpuHour, currency, catalog.exchangeRates);
        if (!tenantPrice) failures.add('CURRENCY');
        for (const cap of caps) {
          const price = convertMoney(offering.pricePerGpuHour, cap.currency, catalog.exchangeRates);
          if (!price) failures.add('CURRENCY');
          else if (compareDecimals(price.amount, cap.amount) > 0) failures.add('PRICE_CAP');
        }
        candidates.push({ row, offering, failures, tenantPrice });
      }
    }
    const isFeasible = siteFailures.size === 0 && candidates.some((v) => v.failures.size === 0);
    return { site, siteFailures, candidates, isFeasible };
  });
}

export interface BruteOption {
  readonly site: string;
  readonly gpuModel: string;
  readonly offering: string;
  readonly gpuMemoryGiB: number;
}

/** Every feasible (site, offering, row) scored and sorted by the brief's rules; the first of each site. */
export function rankByBruteForce(
  catalog: Catalog,
  job: JobSpec,
  policy: TenantPolicy | undefined,
  at: Date,
  load: ReadonlyMap<string, SiteLoad> | undefined,
): BruteOption[] {
  const c = job.constraints;
  const objective = c.isObjectiveAssumed ? (policy?.objective ?? 'cost') : c.objective;
  const prefer = c.prefer.length > 0 ? c.prefer : (policy?.prefer ?? []);
  const wait = policy?.maxWaitForPreferred ?? 0;
  // the wait bound: the spec's maxWait, and with prefer the tenant's patience for its sites
  const bound = Math.min(c.maxWait ?? Infinity, prefer.length > 0 ? wait : Infinity);
  const gpusPerNode = Math.max(1, Math.ceil(job.resources.gpus));
  const scored = judgeSites(catalog, job, policy, at)
    .filter((v) => v.siteFailures.size === 0)
    .flatMap((v) =>
      v.candidates
        .filter((k) => k.failures.size === 0)
        .map((k) => {
          const siteLoad = load?.get(v.site.name);
          let start = 0;
          if (siteLoad) {
            const free = Object.entries(siteLoad.freeGpusPerNode)
              .filter(([m]) => m.toLowerCase() === k.row.gpuModel.toLowerCase())
              .flatMap(([, nodes]) => nodes)
              .filter((n) => n >= gpusPerNode).length;
            start = free >= job.resources.nodes ? 0 : siteLoad.estimatedWaitSeconds;
          }
          const gpus = (job.resources.milliGpus / 1000) * job.resources.nodes;
          const energy = estimateEnergyKWh(gpus, k.row.boardPowerW, job.duration, v.site.pue);
          const intensity = v.site.gridCarbonGPerKWh ?? findCountryGridCarbon(v.site.country);
          return {
            tier: start > bound ? 2 : prefer.includes(v.site.name) ? 0 : 1,
            start,
            claimed: siteLoad?.claimedShare ?? 0,
            carbon: estimateCarbonKg(energy, intensity),
            // Billed: the duration, or the offering's billing minimum when longer.
            cost: multiplyDecimals(
              (k.tenantPrice as Money).amount,
              decimalFromInteger(Math.max(job.duration, k.offering.minimumSeconds ?? 0)),
            ),
            option: {
              site: v.site.name,
              gpuModel: k.row.gpuModel,
              offering: k.offering.kind,
              gpuMemoryGiB: k.row.gpuMemoryGiB,
            },
          };
        }),
    );
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  scored.sort((a, b) => {
    if (a.tier !== b.tier) return a.tier - b.tier;
    if (objective === 'time' && a.start !== b.start) return a.start - b.start;
    if (objective === 'carbon' && a.carbon !== b.carbon) {
      return (a.carbon ?? Number.POSITIVE_INFINITY) - (b.carbon ?? Number.POSITIVE_INFINITY);
    }
    return (
      compareDecimals(a.cost, b.cost) ||
      a.start - b.start ||
      a.claimed - b.claimed ||
      text(a.option.site, b.option.site) ||
      text(a.option.gpuModel, b.option.gpuModel) ||
      text(a.option.offering, b.option.offering) ||
      a.option.gpuMemoryGiB - b.option.gpuMemoryGiB
    );
  });
  const seen = new Set<string>();
  return scored.filter((s) => !seen.has(s.option.site) && seen.add(s.option.site)).map((s) => s.option);
}
