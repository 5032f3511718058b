import { findCountryGridCarbon } from '../../domain/energy/grid-carbon.js';
import { MILLI_GPU_MS_PER_GPU_HOUR } from '../../domain/metering/usage-record.js';
import { rateQuantity } from '../../domain/metering/rate-usage.js';
import { approximateDecimal } from '../../domain/money/decimal.js';
import type { AppContext } from '../context.js';

/**
 * The most tenants the usage metrics name one by one (the heaviest, by GPU-seconds); the rest
 * are summed under `OTHER_TENANTS`. Sites and GPU models come from the catalog, so the series
 * count stays below this × sites × models × currencies however many tenants the factory has.
 */
export const NAMED_METRIC_TENANTS = 50;
/** The tenant label of everyone past the named ones: tenant names cannot start with `_`. */
export const OTHER_TENANTS = '_other';

const MILLI_GPU_MS_PER_GPU_SECOND = Number(MILLI_GPU_MS_PER_GPU_HOUR / 3600n);

/** What the ledger holds for one tenant at one site and GPU model, as metric values. */
export interface UsageMetric {
  readonly tenant: string;
  readonly site: string;
  readonly gpuModel: string;
  readonly currency: string;
  readonly gpuSeconds: number;
  /** At the prices fixed at admission, before minimums, commitments, tax and markup. */
  readonly cost: number;
  readonly energyJoules: number;
  /** Undefined where neither the site nor its country has a grid intensity. */
  readonly carbonGrams: number | undefined;
}

/**
 * The whole ledger (every tenant's) summed per tenant, site, GPU model and currency, for the
 * business counters of /metrics. Compensating records are counted, so a correction lowers a
 * total (Prometheus reads that as a counter reset).
 */
export async function readUsageMetrics(
  ctx: AppContext,
  namedTenants = NAMED_METRIC_TENANTS,
): Promise<UsageMetric[]> {
  const totals = await ctx.store.transaction((tx) => tx.sumUsageByPlace());
  const quantityOf = new Map<string, bigint>();
  for (const t of totals) quantityOf.set(t.tenant, (quantityOf.get(t.tenant) ?? 0n) + t.quantity);
  const named = new Set(
    [...quantityOf]
      .sort(([a, qa], [b, qb]) => (qa === qb ? a.localeCompare(b) : qa > qb ? -1 : 1))
      .slice(0, namedTenants)
      .map(([tenant]) => tenant),
  );
  const intensityOf = new Map(
    ctx.catalog.sites.map((s) => [s.name, s.gridCarbonGPerKWh ?? findCountryGridCarbon(s.country)]),
  );
  const metrics = new Map<string, UsageMetric>();
  for (const t of totals) {
    const tenant = named.has(t.tenant) ? t.tenant : OTHER_TENANTS;
    const currency = t.pricePerGpuHour.currency;
    const key = [tenant, t.site, t.gpuModel, currency].join('\u0000');
    const wh = approximateDecimal(t.energyWh);
    const cost = rateQuantity(t.quantity, t.pricePerGpuHour);
    const intensity = intensityOf.get(t.site);
    const before = metrics.get(key);
    metrics.set(key, {
      tenant,
      site: t.site,
      gpuModel: t.gpuModel,
      currency,
      gpuSeconds: (before?.gpuSeconds ?? 0) + Number(t.quantity) / MILLI_GPU_MS_PER_GPU_SECOND,
      cost: (before?.cost ?? 0) + Number(cost.numerator) / Number(cost.denominator),
      energyJoules: (before?.energyJoules ?? 0) + wh * 3600,
      carbonGrams: intensity === undefined ? undefined : (before?.carbonGrams ?? 0) + (wh / 1000) * intensity,
    });
  }
  return [...metrics.values()];
}
