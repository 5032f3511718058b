import type { Static } from 'typebox';
import type { UsageEventBatch } from '../../api/metering-schemas.js';
import type { Catalog } from '../../domain/catalog/catalog.js';
import {
  boardPowerWithPue,
  estimateEnergyWh,
  isWithinEnergyCeiling,
} from '../../domain/metering/estimate-energy.js';
import type { UsageRecord } from '../../domain/metering/usage-record.js';
import {
  formatDecimal,
  isZeroDecimal,
  multiplyDecimals,
  parseDecimal,
  type Decimal,
} from '../../domain/money/decimal.js';
import type { FieldError } from '../errors.js';
import type { JobRecord } from '../ports/records.js';
import { allocatedMilliGpus, pricedDecisionOf, type PricedDecision } from './job-usage.js';

/** Who writes external usage: the operator (any site) or a site's metering key (that site). */
export interface UsageWriter {
  /** null: the operator, for any site. */
  readonly site: string | null;
}

/** Simulated seconds per wall second of a site's backend (1: a real site). */
export type TimeScaleOf = (site: string) => number;

/** What checking a record against its job reads, worked out once per job of the batch. */
interface MeteredJob {
  readonly job: JobRecord;
  readonly decision: PricedDecision & { readonly price: NonNullable<PricedDecision['price']> };
  readonly runFromMs: number;
  readonly allocated: number;
  readonly boardPowerW: number;
  readonly pue: number;
  /** Board power × PUE (W); undefined when the catalog has no such site or model. */
  readonly ceilingW: Decimal | undefined;
  readonly timeScale: number;
}

/**
 * Turns a batch of usage CloudEvents into ledger records, checking each one against the job
 * it names (all of them must name one): the job exists and ran on the event's site (the
 * writer's, for a metering key), the interval lies within the job's run, the GPUs within its
 * allocation (so the quantity is at most GPUs × interval), the GPU model and offering are the
 * placement's, a measured energy is positive and at most the GPUs' board power × PUE over
 * the interval. The price is the one fixed at admission, the tenant and project the job's.
 * Every problem comes back with its path; a record is built only for a clean event.
 */
export function checkUsageEvents(
  events: Static<typeof UsageEventBatch>,
  jobs: ReadonlyMap<string, JobRecord>,
  writer: UsageWriter,
  catalog: Catalog,
  now: Date,
  timeScaleOf: TimeScaleOf = () => 1,
): { records: UsageRecord[]; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const records: UsageRecord[] = [];
  const seen = new Set<string>();
  const metered = new Map<string, MeteredJob | undefined>();
  for (let i = 0; i < events.length; i++) {
    // a plain loop, no closure per event: it runs for every record a site sends (bench:metering)
    const event = events[i] as (typeof events)[number];
    const d = event.data;
    const before = problems.length;
    if (writer.site !== null && d.site !== writer.site)
      problems.push(
        faultAt(i, 'site', `this metering key writes usage of site ${writer.site} only, not ${d.site}`),
      );
    const known = d.job === undefined ? undefined : jobs.get(d.job);
    if (!metered.has(known?.id ?? '') && known)
      metered.set(known.id, meteredJobOf(known, catalog, timeScaleOf));
    const m = known && metered.get(known.id);
    if (d.job === undefined) {
      problems.push(faultAt(i, 'job', 'required: usage is recorded against the job that used the GPUs'));
      continue;
    }
    if (!known || !m) {
      const why = known ? `job ${d.job} has not run (${known.status}): it has no usage` : `no job ${d.job}`;
      problems.push(faultAt(i, 'job', why));
      continue;
    }
    const { job, decision } = m;
    if (d.site !== decision.site)
      problems.push(faultAt(i, 'site', `job ${job.id} ran on ${decision.site}, not ${d.site}`));
    if (d.gpuModel !== decision.gpuModel)
      problems.push(faultAt(i, 'gpuModel', `job ${job.id} ran on ${decision.gpuModel}, not ${d.gpuModel}`));
    if (d.offering !== undefined && d.offering !== decision.offering)
      problems.push(
        faultAt(
          i,
          'offering',
          `job ${job.id} was placed on the ${decision.offering} offering, not ${d.offering}`,
        ),
      );
    if (d.project !== undefined && d.project !== job.project)
      problems.push(
        faultAt(i, 'project', `job ${job.id} belongs to project ${job.project}, not ${d.project}`),
      );
    const startMs = Date.parse(d.start);
    const endMs = Date.parse(d.end);
    const runToMs = job.finishedAt ? Date.parse(job.finishedAt) : now.getTime();
    if (!(startMs >= m.runFromMs && startMs <= runToMs))
      problems.push(faultAt(i, 'start', `must lie within the job's run ${describeRun(job)}`));
    if (!(endMs >= startMs)) problems.push(faultAt(i, 'end', 'must be at or after start'));
    else if (!(endMs <= runToMs))
      problems.push(faultAt(i, 'end', `must lie within the job's run ${describeRun(job)}`));
    const milliGpus = Math.round(d.gpus * 1000);
    if (milliGpus < 1) problems.push(faultAt(i, 'gpus', 'must be at least 0.001'));
    else if (milliGpus > m.allocated)
      problems.push(
        faultAt(
          i,
          'gpus',
          `job ${job.id} holds ${m.allocated / 1000} GPU(s): usage cannot exceed its allocation`,
        ),
      );
    // the GPUs' wall interval; on a simulated site the record counts it at the site's scale
    const quantity = BigInt(Math.max(milliGpus, 0)) * BigInt(Math.max(endMs - startMs, 0));
    const energy = d.energyWh === undefined ? undefined : parseDecimal(d.energyWh);
    if (energy && quantity > 0n && isZeroDecimal(energy))
      problems.push(faultAt(i, 'energyWh', 'a GPU in use draws power: omit energyWh to have it estimated'));
    else if (energy && m.ceilingW && !isWithinEnergyCeiling(energy, quantity, m.ceilingW)) {
      const most = estimateEnergyWh({ quantity, boardPowerW: 0, pue: 1, measuredPowerW: 1 });
      const ceiling = formatDecimal(multiplyDecimals(most, m.ceilingW));
      problems.push(
        faultAt(
          i,
          'energyWh',
          `more than the GPUs' board power × PUE allows over the interval: ${ceiling} Wh`,
        ),
      );
    }
    if (problems.length > before) continue;
    const key = `ext:${job.tenantId}:${event.source}:${event.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    records.push({
      key,
      tenantId: job.tenantId,
      project: job.project,
      jobId: job.id,
      site: decision.site,
      gpuModel: decision.gpuModel,
      offering: decision.offering,
      milliGpus,
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      energyMeasured: energy !== undefined,
      energyWh:
        energy ??
        estimateEnergyWh({
          quantity: quantity * BigInt(m.timeScale),
          boardPowerW: m.boardPowerW,
          pue: m.pue,
        }),
      pricePerGpuHour: decision.price,
      minimumSeconds: null,
      isFinal: false,
      timeScale: m.timeScale,
      invoiceMonth: null,
      correction: null,
    });
  }
  return { records, problems };
}

function faultAt(index: number, field: string, message: string): FieldError {
  return { path: `[${index}].data.${field}`, message };
}

function describeRun(job: JobRecord): string {
  return `${job.startedAt} … ${job.finishedAt ?? `now (${job.status})`}`;
}

function meteredJobOf(job: JobRecord, catalog: Catalog, timeScaleOf: TimeScaleOf): MeteredJob | undefined {
  const decision = pricedDecisionOf(job);
  const price = decision?.price;
  if (!job.startedAt || !job.allocation || !decision || !price) return undefined;
  const site = catalog.sites.find((s) => s.name === decision.site);
  const row = site?.capacity.find((c) => c.gpuModel === decision.gpuModel);
  return {
    job,
    decision: { ...decision, price },
    runFromMs: Date.parse(job.startedAt),
    allocated: allocatedMilliGpus(job.allocation),
    boardPowerW: row?.boardPowerW ?? 0,
    pue: site?.pue ?? 1,
    ceilingW: site && row ? boardPowerWithPue(row.boardPowerW, site.pue) : undefined,
    timeScale: timeScaleOf(decision.site),
  };
}
