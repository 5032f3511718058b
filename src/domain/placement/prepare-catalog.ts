import type {
  CapacityRow,
  Catalog,
  Provider,
  Site,
  SiteCertification,
  SiteOffering,
} from '../catalog/catalog.js';
import { findCountryGridCarbon } from '../energy/grid-carbon.js';
import { CONVERSION_SCALE, convertMoney } from '../money/convert.js';
import type { Money } from '../money/money.js';

/** A party whose law the site answers to: the operator or one of its parents. */
export interface SiteParty {
  readonly name: string;
  readonly role: 'operator' | 'parent';
  /** ISO country of its seat; undefined when the catalog names no provider for the site. */
  readonly country: string | undefined;
}

/** One way to run on a site: an offering and a capacity row of the same GPU model. */
export interface PreparedCandidate {
  /** Position in the prepared catalog's flat list of candidates (the key of converted prices). */
  readonly index: number;
  /** The GPU model, lower case, for comparisons without regard to case. */
  readonly modelKey: string;
  readonly row: CapacityRow;
  readonly offering: SiteOffering;
  readonly isSpot: boolean;
}

export interface PreparedSite {
  readonly site: Site;
  readonly provider: Provider | undefined;
  readonly parties: readonly SiteParty[];
  /** Certifications by lower-case name. */
  readonly certifications: ReadonlyMap<string, SiteCertification>;
  readonly gridCarbonGPerKWh: number | undefined;
  readonly gridCarbonSource: 'site' | 'country' | undefined;
  /** Distinct GPU models the site both has and sells, as written. */
  readonly models: readonly string[];
  readonly candidates: readonly PreparedCandidate[];
  /** The same by lower-case GPU model. */
  readonly candidatesByModel: ReadonlyMap<string, readonly PreparedCandidate[]>;
}

/**
 * What placement needs of a catalog, computed once: parties and certifications looked up,
 * grid intensity resolved, offerings paired with capacity rows, prices converted per currency
 * (on first use, then kept). A decision is then a linear scan of cheap checks.
 */
export interface PreparedCatalog {
  readonly isPrepared: true;
  readonly catalog: Catalog;
  readonly sites: readonly PreparedSite[];
  /**
   * Every candidate's price per GPU-hour in `currency`, by candidate index, at PRICE_SCALE digits
   * (exact: a conversion is already rounded there); undefined without a rate.
   */
  readonly pricesIn: (currency: string) => readonly (Money | undefined)[];
}

export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const providers = new Map(catalog.providers.map((p) => [p.name, p]));
  const all: PreparedCandidate[] = [];
  const sites = catalog.sites.map((site) => prepareSite(site, providers.get(site.provider), all));
  const converted = new Map<string, readonly (Money | undefined)[]>();
  const pricesIn = (currency: string): readonly (Money | undefined)[] => {
    let prices = converted.get(currency);
    if (!prices) {
      prices = all.map((c) =>
        rescale(convertMoney(c.offering.pricePerGpuHour, currency, catalog.exchangeRates)),
      );
      converted.set(currency, prices);
    }
    return prices;
  };
  return { isPrepared: true, catalog, sites, pricesIn };
}

function prepareSite(site: Site, provider: Provider | undefined, all: PreparedCandidate[]): PreparedSite {
  const parties: SiteParty[] = provider
    ? [
        { name: provider.legalName, role: 'operator', country: provider.jurisdiction },
        ...provider.parents.map((p) => ({ name: p.name, role: 'parent' as const, country: p.jurisdiction })),
      ]
    : [{ name: site.provider, role: 'operator', country: undefined }];
  const certifications = new Map(site.certifications.map((c) => [c.name.toLowerCase(), c]));
  const countryCarbon = findCountryGridCarbon(site.country);
  const candidates: PreparedCandidate[] = [];
  const models = new Map<string, string>();
  const candidatesByModel = new Map<string, PreparedCandidate[]>();
  for (const offering of site.offerings) {
    const modelKey = offering.gpuModel.toLowerCase();
    for (const row of site.capacity) {
      if (row.gpuModel.toLowerCase() !== modelKey) continue;
      const candidate = { index: all.length, modelKey, row, offering, isSpot: offering.kind === 'spot' };
      all.push(candidate);
      candidates.push(candidate);
      const sameModel = candidatesByModel.get(modelKey);
      if (sameModel) sameModel.push(candidate);
      else candidatesByModel.set(modelKey, [candidate]);
      if (!models.has(modelKey)) models.set(modelKey, row.gpuModel);
    }
  }
  return {
    site,
    provider,
    parties,
    certifications,
    gridCarbonGPerKWh: site.gridCarbonGPerKWh ?? countryCarbon,
    gridCarbonSource:
      site.gridCarbonGPerKWh !== undefined ? 'site' : countryCarbon !== undefined ? 'country' : undefined,
    models: [...models.values()],
    candidates,
    candidatesByModel,
  };
}

/** Prices are compared at one scale, so a comparison is one bigint comparison. */
export const PRICE_SCALE = CONVERSION_SCALE;

/** The same amount at PRICE_SCALE digits when that loses nothing; unchanged otherwise. */
export function rescale<T extends Money | undefined>(money: T): T {
  if (!money || money.amount.scale >= PRICE_SCALE) return money;
  const factor = 10n ** BigInt(PRICE_SCALE - money.amount.scale);
  return {
    amount: { coefficient: money.amount.coefficient * factor, scale: PRICE_SCALE },
    currency: money.currency,
  } as T;
}
