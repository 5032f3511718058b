import { addDecimals, type Decimal } from '../money/decimal.js';
import { formatMoney } from '../money/money.js';
import {
  addAmounts,
  moneyFromMinorUnits,
  roundToMinorUnits,
  zeroAmount,
  type ExactAmount,
} from './exact-amount.js';
import { rateRecord } from './rate-usage.js';
import { gpuSecondsOf, isSimulated, milliGpuMs, type UsageRecord } from './usage-record.js';

export const USAGE_GROUPS = ['job', 'project', 'site', 'gpuModel', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageSummaryItem {
  readonly key: string;
  readonly gpuSeconds: Decimal;
  readonly energyWh: Decimal;
  /** Per currency, exact sum of rated records rounded once (half to even): `"12.34 EUR"`. */
  readonly cost: string;
  /** Some of it ran on a simulated site (counted at the site's time scale). */
  readonly simulated: boolean;
}

/** Usage grouped by one dimension, keys in order; cost at the admission prices, before minimums. */
export function summariseUsage(records: readonly UsageRecord[], groupBy: UsageGroup): UsageSummaryItem[] {
  const groups = new Map<
    string,
    { quantity: bigint; energy: Decimal; costs: Map<string, ExactAmount>; simulated: boolean }
  >();
  for (const r of records) {
    const key = keyOf(r, groupBy);
    const g = groups.get(key) ?? {
      quantity: 0n,
      energy: { coefficient: 0n, scale: 3 },
      costs: new Map(),
      simulated: false,
    };
    g.simulated ||= isSimulated(r);
    g.quantity += milliGpuMs(r);
    g.energy = addDecimals(g.energy, r.energyWh);
    const currency = r.pricePerGpuHour.currency;
    g.costs.set(currency, addAmounts(g.costs.get(currency) ?? zeroAmount(currency), rateRecord(r)));
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({
      key,
      gpuSeconds: gpuSecondsOf(g.quantity),
      energyWh: g.energy,
      cost:
        [...g.costs.values()]
          .map((c) => formatMoney(moneyFromMinorUnits(roundToMinorUnits(c), c.currency)))
          .join(' + ') || '0.00 EUR',
      simulated: g.simulated,
    }));
}

function keyOf(r: UsageRecord, groupBy: UsageGroup): string {
  switch (groupBy) {
    case 'job':
      return r.jobId ?? `(external) ${r.key}`;
    case 'project':
      return r.project;
    case 'site':
      return r.site;
    case 'gpuModel':
      return r.gpuModel;
    case 'day':
      return r.start.slice(0, 10);
  }
}
