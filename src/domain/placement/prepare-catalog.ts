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
import { buildCandidateColumns, type CandidateColumns } from './candidate-columns.js';
import { buildPriceColumn, type PriceColumn } from './price-column.js';

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
  /** Position in the catalog. */
  readonly index: number;
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
  /** (model id, first index, end index) triples: the site's candidates grouped by model. */
  readonly modelRanges: Int32Array;
  /** The site's candidates are the indices [firstCandidate, endCandidate) of the catalog's. */
  readonly firstCandidate: number;
  readonly endCandidate: number;
  /** Id of the site's country (PreparedCatalog.countryIds). */
  readonly countryId: number;
  /** Ids of the parties' seats, in the order of `parties`; -1 where unknown. */
  readonly partyCountryIds: Int32Array;
  /** By lower-case certification name: the instant (ms) until which it is valid (Infinity: no expiry). */
  readonly certificationValidUntil: ReadonlyMap<string, number>;
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
  /** The same with exact floats for cheap comparisons (kept, like pricesIn). */
  readonly priceColumnIn: (currency: string) => PriceColumn;
  readonly columns: CandidateColumns;
  /** Every candidate by index. */
  readonly candidateAt: readonly PreparedCandidate[];
  /** Ids of every country of a site or a party's seat, and of every lower-case GPU model. */
  readonly countryIds: ReadonlyMap<string, number>;
  readonly modelIds: ReadonlyMap<string, number>;
}

export function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const providers = new Map(catalog.providers.map((p) => [p.name, p]));
  const countryIds = new Map<string, number>();
  const modelIds = new Map<string, number>();
  const all: PreparedCandidate[] = [];
  const sites = catalog.sites.map((site, index) =>
    prepareSite(site, index, providers.get(site.provider), all, countryIds, modelIds),
  );
  const siteIndexOf = sites.flatMap((s) => s.candidates.map(() => s.index));
  const columns = buildCandidateColumns(
    all,
    siteIndexOf,
    sites.map((s) => s.site.name),
    modelIds,
  );
  const converted = new Map<string, PriceColumn>();
  const priceColumnIn = (currency: string): PriceColumn => {
    let column = converted.get(currency);
    if (!column) {
      const prices = all.map((c) =>
        rescale(convertMoney(c.offering.pricePerGpuHour, currency, catalog.exchangeRates)),
      );
      column = buildPriceColumn(prices, PRICE_SCALE);
      converted.set(currency, column);
    }
    return column;
  };
  const pricesIn = (currency: string) => priceColumnIn(currency).prices;
  return {
    isPrepared: true,
    catalog,
    sites,
    candidateAt: all,
    pricesIn,
    priceColumnIn,
    columns,
    countryIds,
    modelIds,
  };
}

function prepareSite(
  site: Site,
  index: number,
  provider: Provider | undefined,
  all: PreparedCandidate[],
  countryIds: Map<string, number>,
  modelIds: Map<string, number>,
): PreparedSite {
  const firstCandidate = all.length;
  const parties: SiteParty[] = provider
    ? [
        { name: provider.legalName, role: 'operator', country: provider.jurisdiction },
        ...provider.parents.map((p) => ({ name: p.name, role: 'parent' as const, country: p.jurisdiction })),
      ]
    : [{ name: site.provider, role: 'operator', country: undefined }];
  const certifications = new Map(site.certifications.map((c) => [c.name.toLowerCase(), c]));
  const countryCarbon = findCountryGridCarbon(site.country);
  const pairs: { offering: SiteOffering; row: CapacityRow; modelKey: string }[] = [];
  for (const offering of site.offerings) {
    const modelKey = offering.gpuModel.toLowerCase();
    for (const row of site.capacity) {
      if (row.gpuModel.toLowerCase() === modelKey) pairs.push({ offering, row, modelKey });
    }
  }
  // Indices grouped by model (catalog order within a model), so a decision scans only the
  // ranges of the models a job accepts; `candidates` keeps the catalog's order.
  const keys = [...new Set(pairs.map((p) => p.modelKey))];
  const grouped = keys.flatMap((key) => pairs.filter((p) => p.modelKey === key));
  const modelRanges: number[] = [];
  const byPair = new Map<object, PreparedCandidate>();
  for (const pair of grouped) {
    const candidate = {
      index: all.length,
      modelKey: pair.modelKey,
      row: pair.row,
      offering: pair.offering,
      isSpot: pair.offering.kind === 'spot',
    };
    if (!modelIds.has(pair.modelKey)) modelIds.set(pair.modelKey, modelIds.size);
    const id = modelIds.get(pair.modelKey) as number;
    if (modelRanges[modelRanges.length - 3] !== id || modelRanges.length === 0)
      modelRanges.push(id, all.length, all.length);
    modelRanges[modelRanges.length - 1] = all.length + 1;
    all.push(candidate);
    byPair.set(pair, candidate);
  }
  const candidates = pairs.map((p) => byPair.get(p) as PreparedCandidate);
  const models = new Map<string, string>();
  const candidatesByModel = new Map<string, PreparedCandidate[]>();
  for (const candidate of candidates) {
    const sameModel = candidatesByModel.get(candidate.modelKey);
    if (sameModel) sameModel.push(candidate);
    else candidatesByModel.set(candidate.modelKey, [candidate]);
    if (!models.has(candidate.modelKey)) models.set(candidate.modelKey, candidate.row.gpuModel);
  }
  const idOf = (country: string): number => {
    if (!countryIds.has(country)) countryIds.set(country, countryIds.size);
    return countryIds.get(country) as number;
  };
  const validUntil = new Map<string, number>();
  for (const [key, c] of certifications) {
    validUntil.set(
      key,
      c.expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(`${c.expires}T00:00:00Z`) + 86_400_000,
    );
  }
  return {
    index,
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
    modelRanges: Int32Array.from(modelRanges),
    firstCandidate,
    endCandidate: all.length,
    countryId: idOf(site.country),
    partyCountryIds: Int32Array.from(parties, (p) => (p.country === undefined ? -1 : idOf(p.country))),
    certificationValidUntil: validUntil,
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
