import { convertMoney } from '../money/convert.js';
import { compareDecimals } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import type { Catalog, Provider, Site, SiteOffering } from './catalog.js';
import { isCertificationValid } from './certification.js';

/** What `usine sites` and `GET /v1/sites` show of a site: where, who, which certifications, what GPUs, from what price. */
export interface SiteSummary {
  readonly name: string;
  readonly provider: string;
  readonly country: string;
  readonly city: string | undefined;
  readonly backend: string;
  readonly jurisdiction: { readonly operator: string | undefined; readonly parents: readonly string[] };
  readonly certifications: readonly {
    readonly name: string;
    readonly expires: string | null;
    readonly valid: boolean;
  }[];
  /** GPUs by model, whole site. */
  readonly gpus: Readonly<Record<string, number>>;
  readonly cheapest: {
    readonly gpuModel: string;
    readonly kind: string;
    readonly pricePerGpuHour: string;
  } | null;
}

export function summariseSite(site: Site, catalog: Catalog, at: Date): SiteSummary {
  const provider: Provider | undefined = catalog.providers.find((p) => p.name === site.provider);
  const gpus: Record<string, number> = {};
  for (const row of site.capacity)
    gpus[row.gpuModel] = (gpus[row.gpuModel] ?? 0) + row.gpusPerNode * row.nodes;
  const cheapest = findCheapestOffering(site.offerings, catalog);
  return {
    name: site.name,
    provider: site.provider,
    country: site.country,
    city: site.city,
    backend: site.backend.type,
    jurisdiction: {
      operator: provider?.jurisdiction,
      parents: (provider?.parents ?? []).map((p) => p.jurisdiction),
    },
    certifications: site.certifications.map((c) => ({
      name: c.name,
      expires: c.expires ?? null,
      valid: isCertificationValid(c, at),
    })),
    gpus,
    cheapest: cheapest
      ? {
          gpuModel: cheapest.gpuModel,
          kind: cheapest.kind,
          pricePerGpuHour: formatMoney(cheapest.pricePerGpuHour),
        }
      : null,
  };
}

/** The lowest price per GPU-hour, compared in the exchange rates' base currency when currencies differ. */
function findCheapestOffering(
  offerings: readonly SiteOffering[],
  catalog: Catalog,
): SiteOffering | undefined {
  const base = catalog.exchangeRates?.base ?? offerings[0]?.pricePerGpuHour.currency ?? 'EUR';
  let best: { offering: SiteOffering; price: ReturnType<typeof convertMoney> } | undefined;
  for (const offering of offerings) {
    const price = convertMoney(offering.pricePerGpuHour, base, catalog.exchangeRates);
    if (!price) continue;
    if (!best?.price || compareDecimals(price.amount, best.price.amount) < 0) best = { offering, price };
  }
  return best?.offering ?? offerings[0];
}
