import type { Region } from '../geo/region.js';
import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { Objective } from '../spec/schema.js';
import type { Seconds } from '../time/duration.js';
import type { BackendType, Criterion, DossierDocument, OfferingKind } from './schema.js';

/** The federation as placement sees it: validated, cross-checked, normalised. */
export interface Catalog {
  readonly providers: readonly Provider[];
  readonly sites: readonly Site[];
  readonly exchangeRates: ExchangeRates | undefined;
  readonly policies: readonly TenantPolicy[];
}

export interface Provider {
  readonly name: string;
  readonly legalName: string;
  /** ISO country of the operator's seat. */
  readonly jurisdiction: string;
  readonly parents: readonly { readonly name: string; readonly jurisdiction: string }[];
  readonly website: string | undefined;
  readonly dossier: DossierDocument;
}

export interface SiteCertification {
  readonly name: string;
  readonly issuer: string | undefined;
  /** Last day of validity, `YYYY-MM-DD`, inclusive (UTC); undefined: no expiry recorded. */
  readonly expires: string | undefined;
}

export interface CapacityRow {
  readonly gpuModel: string;
  readonly gpuMemoryGiB: number;
  readonly gpusPerNode: number;
  readonly nodes: number;
  readonly boardPowerW: number;
  readonly cpusPerNode: number | undefined;
  readonly memoryGiBPerNode: number | undefined;
}

export interface SiteOffering {
  readonly gpuModel: string;
  readonly kind: OfferingKind;
  readonly pricePerGpuHour: Money;
  readonly minimumSeconds: number | undefined;
}

export interface SiteBackend {
  readonly type: BackendType;
  readonly url: string | undefined;
  readonly partition: string | undefined;
  readonly tokenFile: string | undefined;
  readonly user: string | undefined;
  readonly workDir: string | undefined;
  /** Slurm's completion records (`jobcomp/filetxt`), read once slurmctld has forgotten a job. */
  readonly completionFile: string | undefined;
  readonly timeScale: number | undefined;
}

export interface Site {
  readonly name: string;
  readonly provider: string;
  readonly country: string;
  readonly city: string | undefined;
  readonly region: string | undefined;
  readonly certifications: readonly SiteCertification[];
  readonly availabilityPercent: number | undefined;
  readonly pue: number;
  /** The site's own grid intensity; undefined: the country's figure applies. */
  readonly gridCarbonGPerKWh: number | undefined;
  readonly backend: SiteBackend;
  readonly capacity: readonly CapacityRow[];
  readonly offerings: readonly SiteOffering[];
  readonly egressPerGiB: Money | undefined;
  /**
   * How the site scheduler shares the site, by tenant name; undefined: not configured (every
   * tenant has weight 1 and no quota limit).
   */
  readonly tenants?: readonly SiteTenant[] | undefined;
}

/** A tenant's share of a site: GPUs by model (normalised names, upper case). */
export interface SiteTenant {
  readonly name: string;
  readonly cohort: string;
  readonly weight: number;
  readonly quota: ReadonlyMap<string, number>;
  /** GPUs it may use above its quota; a model not listed: no limit but the cohort's. */
  readonly borrowingLimit: ReadonlyMap<string, number>;
}

/** `1 base = rate × currency` for each listed currency. */
export interface ExchangeRates {
  readonly name: string;
  readonly base: string;
  readonly asOf: string | undefined;
  readonly rates: ReadonlyMap<string, Decimal>;
}

/** A tenant's standing rules, added to every job (the stricter wins). */
export interface TenantPolicy {
  readonly name: string;
  readonly residency: Region | undefined;
  readonly jurisdiction: Region | undefined;
  readonly certifications: readonly string[];
  readonly sites: readonly string[] | undefined;
  readonly maxPricePerGpuHour: Money | undefined;
  readonly prefer: readonly string[];
  /** How long the tenant waits for a preferred site before bursting elsewhere. */
  readonly maxWaitForPreferred: Seconds;
  /** The currency prices are compared and shown in. */
  readonly currency: string;
  readonly objective: Objective | undefined;
  readonly weights: Readonly<Record<Criterion, number>>;
}
