import type { Catalog } from '../../domain/catalog/catalog.js';
import { estimateEnergyWh } from '../../domain/metering/estimate-energy.js';
import { nextMonthStartMs } from '../../domain/metering/month.js';
import { USAGE_OFFERINGS, type UsageOffering, type UsageRecord } from '../../domain/metering/usage-record.js';
import { parseMoney, type Money } from '../../domain/money/money.js';
import type { LastUsage } from '../ports/metering-store.js';
import type { Allocation, JobRecord } from '../ports/records.js';

/** What the placement stored with the job fixes the price: its decision's offering. */
export interface PricedDecision {
  readonly site: string;
  readonly gpuModel: string;
  readonly offering: UsageOffering;
  /** undefined when the stored price is not a price (the job cannot be rated). */
  readonly price: Money | undefined;
}

/**
 * The records that bring a job's ledger up to `until` (its finish, or now while it runs),
 * following its last record: one per calendar month crossed, the job's sequence going on,
 * the last one final when the job has finished. Empty when there is nothing to close yet
 * (less than `minIntervalMs` while running) or the job cannot be rated. On a simulated site
 * (`timeScale` simulated seconds per wall second) the records count the simulated run time,
 * what the job would have used at a real site, as its estimate did.
 */
export function nextUsageRecords(
  job: JobRecord,
  last: LastUsage | undefined,
  catalog: Catalog,
  now: Date,
  minIntervalMs: number,
  timeScale = 1,
): UsageRecord[] {
  if (last?.isFinal || !job.startedAt || !job.allocation) return [];
  const decision = pricedDecisionOf(job);
  const price = decision?.price;
  if (!decision || !price) return [];
  const isRunning = job.status === 'running';
  const until = isRunning ? now.getTime() : Date.parse(job.finishedAt ?? job.updatedAt);
  let from = Date.parse(last?.end ?? job.startedAt);
  if (isRunning && until - from < minIntervalMs) return [];
  const site = catalog.sites.find((s) => s.name === decision.site);
  const row = site?.capacity.find((c) => c.gpuModel === decision.gpuModel);
  const offering = decision.offering;
  const minimumSeconds =
    site?.offerings.find((o) => o.gpuModel === decision.gpuModel && o.kind === offering)?.minimumSeconds ??
    null;
  const milliGpus = allocatedMilliGpus(job.allocation);
  if (milliGpus <= 0) return [];
  const records: UsageRecord[] = [];
  let seq = last?.seq ?? 0;
  do {
    const to = Math.max(from, Math.min(until, nextMonthStartMs(from)));
    seq++;
    records.push({
      key: `${job.id}#${seq}`,
      tenantId: job.tenantId,
      project: job.project,
      jobId: job.id,
      site: decision.site,
      gpuModel: decision.gpuModel,
      offering,
      milliGpus,
      start: new Date(from).toISOString(),
      end: new Date(to).toISOString(),
      energyWh: estimateEnergyWh({
        quantity: BigInt(milliGpus) * BigInt(to - from) * BigInt(timeScale),
        boardPowerW: row?.boardPowerW ?? 0,
        pue: site?.pue ?? 1,
      }),
      pricePerGpuHour: price,
      minimumSeconds,
      isFinal: !isRunning && to >= until,
      timeScale,
      invoiceMonth: null,
      correction: null,
    });
    from = to;
  } while (from < until);
  return records;
}

/** The GPUs a job holds, in thousandths, over all its nodes. */
export function allocatedMilliGpus(allocation: Allocation): number {
  return allocation.nodes.reduce((sum, n) => sum + n.milliGpus, 0);
}

/** The site, GPU model, offering and price the job's placement decided; undefined: none. */
export function pricedDecisionOf(job: Pick<JobRecord, 'placement'>): PricedDecision | undefined {
  const decision = (job.placement as { decision?: Record<string, unknown> } | null)?.decision;
  const { site, gpuModel, offering, pricePerGpuHour } = decision ?? {};
  if (
    typeof site !== 'string' ||
    typeof gpuModel !== 'string' ||
    typeof offering !== 'string' ||
    typeof pricePerGpuHour !== 'string'
  )
    return undefined;
  const price = parseMoney(pricePerGpuHour);
  return {
    site,
    gpuModel,
    offering: (USAGE_OFFERINGS as readonly string[]).includes(offering)
      ? (offering as UsageOffering)
      : 'on-demand',
    price: price.ok ? price.money : undefined,
  };
}
