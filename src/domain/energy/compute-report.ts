import { milliGpuMs, type UsageRecord } from '../metering/usage-record.js';
import {
  addDecimals,
  divideDecimals,
  formatDecimal,
  multiplyDecimals,
  roundDecimal,
  type Decimal,
} from '../money/decimal.js';
import { findGpuPeakFlops, type Precision } from './gpu-peak-flops.js';

/** A job of the model, as the report lists it. */
export interface ReportJob {
  readonly id: string;
  readonly name: string;
  readonly kind: 'Job' | 'Service';
  readonly site: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface ReportSite {
  readonly country: string;
  readonly pue: number;
  /** g CO2e per kWh, and where the figure comes from (the site, or the country's table). */
  readonly gridCarbonGPerKWh: number;
  readonly gridSource: string;
}

export interface ComputeReportInput {
  readonly model: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly generatedAt: string;
  readonly precision: Precision;
  /** The share of peak the model reached (model FLOP utilisation), 0 < u ≤ 1. */
  readonly utilisation: Decimal;
  readonly jobs: readonly ReportJob[];
  /** The usage of those jobs in the period. */
  readonly records: readonly UsageRecord[];
  readonly sites: ReadonlyMap<string, ReportSite>;
}

const ZERO: Decimal = { coefficient: 0n, scale: 0 };
const MILLI_GPU_MS_PER_GPU_HOUR: Decimal = { coefficient: 3_600_000_000n, scale: 0 };

/**
 * The EU AI Act's compute and energy figures for one model (Art. 53(1)(a), Annex XI §1.2(d)–(e);
 * the GPAI Code of Practice's Model Documentation Form): GPU-hours by GPU model and site,
 * wall-clock time, an estimate of the floating-point operations with its method and figures,
 * energy (measured and estimated, with their shares), PUE, grid intensity, carbon, and where
 * it ran. Pure and exact: every quantity is a decimal, written once as text.
 */
export function buildComputeReport(input: ComputeReportInput) {
  const groups = new Map<
    string,
    { gpuModel: string; site: string; quantity: bigint; wh: Decimal; simulated: boolean }
  >();
  let measuredWh = ZERO;
  let estimatedWh = ZERO;
  for (const r of input.records) {
    const key = `${r.gpuModel}\u0000${r.site}`;
    const group = groups.get(key) ?? {
      gpuModel: r.gpuModel,
      site: r.site,
      quantity: 0n,
      wh: ZERO,
      simulated: false,
    };
    group.quantity += milliGpuMs(r);
    group.wh = addDecimals(group.wh, r.energyWh);
    group.simulated ||= r.timeScale !== 1;
    groups.set(key, group);
    if (r.energyMeasured === true) measuredWh = addDecimals(measuredWh, r.energyWh);
    else estimatedWh = addDecimals(estimatedWh, r.energyWh);
  }
  const rows = [...groups.values()].sort((a, b) =>
    a.gpuModel === b.gpuModel ? a.site.localeCompare(b.site) : a.gpuModel.localeCompare(b.gpuModel),
  );
  const gpuHoursOf = (quantity: bigint) =>
    divideDecimals({ coefficient: quantity, scale: 0 }, MILLI_GPU_MS_PER_GPU_HOUR, 6);
  const kWhOf = (wh: Decimal) => divideDecimals(wh, { coefficient: 1000n, scale: 0 }, 6);
  const site = (name: string) => input.sites.get(name);
  const carbonKgOf = (wh: Decimal, name: string) =>
    divideDecimals(
      multiplyDecimals(wh, {
        coefficient: BigInt(Math.round((site(name)?.gridCarbonGPerKWh ?? 0) * 1000)),
        scale: 3,
      }),
      { coefficient: 1_000_000n, scale: 0 },
      6,
    );

  let flop = 0n;
  const byGpuModel = new Map<string, { gpuModel: string; quantity: bigint }>();
  for (const row of rows) {
    const entry = byGpuModel.get(row.gpuModel) ?? { gpuModel: row.gpuModel, quantity: 0n };
    entry.quantity += row.quantity;
    byGpuModel.set(row.gpuModel, entry);
  }
  const computation = [...byGpuModel.values()].map(({ gpuModel, quantity }) => {
    const peak = findGpuPeakFlops(gpuModel);
    const teraflops = peak?.teraflops[input.precision];
    // FLOP = GPU-seconds × TFLOP/s × 10^12 × utilisation; GPU-seconds = quantity / 10^6
    const exact =
      teraflops &&
      roundDecimal(
        multiplyDecimals(
          multiplyDecimals({ coefficient: quantity * 1_000_000n, scale: 0 }, teraflops),
          input.utilisation,
        ),
        0,
      ).coefficient;
    if (exact !== undefined) flop += exact;
    return {
      gpuModel,
      gpuHours: formatDecimal(gpuHoursOf(quantity)),
      peakTeraflops: teraflops ? formatDecimal(teraflops) : null,
      variant: peak?.variant ?? null,
      source: peak?.source ?? null,
      flop: exact === undefined ? null : exact.toString(),
    };
  });
  const unknown = computation.filter((c) => c.flop === null).map((c) => c.gpuModel);

  let carbonKg = ZERO;
  const sites = [...new Set(rows.map((r) => r.site))].sort().map((name) => {
    const ofSite = rows.filter((r) => r.site === name);
    const wh = ofSite.reduce((sum, r) => addDecimals(sum, r.wh), ZERO);
    const facts = site(name);
    const kg = carbonKgOf(wh, name);
    carbonKg = addDecimals(carbonKg, kg);
    return {
      site: name,
      country: facts?.country ?? null,
      pue: facts?.pue ?? null,
      gridCarbonGPerKWh: facts?.gridCarbonGPerKWh ?? null,
      gridSource: facts?.gridSource ?? null,
      gpuHours: formatDecimal(gpuHoursOf(ofSite.reduce((sum, r) => sum + r.quantity, 0n))),
      kWh: formatDecimal(kWhOf(wh)),
      kgCO2e: formatDecimal(kg),
    };
  });
  const totalWh = addDecimals(measuredWh, estimatedWh);
  const totalQuantity = rows.reduce((sum, r) => sum + r.quantity, 0n);
  const share = (part: Decimal) =>
    totalWh.coefficient === 0n ? '0' : formatDecimal(divideDecimals(part, totalWh, 4));
  const wallClock = measureWallClock(input);
  return {
    model: input.model,
    period: { from: input.from, to: input.to },
    generatedAt: input.generatedAt,
    jobs: input.jobs.map((j) => ({ ...j })),
    wallClock,
    gpuHours: {
      total: formatDecimal(gpuHoursOf(totalQuantity)),
      byGpuModelAndSite: rows.map((r) => ({
        gpuModel: r.gpuModel,
        site: r.site,
        country: site(r.site)?.country ?? null,
        gpuHours: formatDecimal(gpuHoursOf(r.quantity)),
        simulated: r.simulated,
      })),
      simulated: rows.some((r) => r.simulated),
    },
    computation: {
      method: 'GPU-hours × 3600 × peak dense FLOP/s of the GPU model at the precision × utilisation',
      precision: input.precision,
      utilisation: formatDecimal(input.utilisation),
      flop: unknown.length === computation.length && computation.length > 0 ? null : flop.toString(),
      byGpuModel: computation,
      gpuModelsWithoutFigures: unknown,
    },
    energy: {
      kWh: formatDecimal(kWhOf(totalWh)),
      measuredKWh: formatDecimal(kWhOf(measuredWh)),
      estimatedKWh: formatDecimal(kWhOf(estimatedWh)),
      measuredShare: share(measuredWh),
      estimatedShare: share(estimatedWh),
      method:
        'at the site’s meter, PUE included: measured where a site’s meter reported it with the usage; ' +
        'estimated otherwise as GPU-hours × board power × 0.7 (assumed utilisation) × PUE',
    },
    carbon: {
      kgCO2e: formatDecimal(carbonKg),
      method: 'energy × the grid carbon intensity of each site (its own figure, or its country’s)',
    },
    sites,
    countries: [...new Set(sites.map((s) => s.country).filter((c): c is string => c !== null))].sort(),
  };
}

export type ComputeReport = ReturnType<typeof buildComputeReport>;

/** The time the model's jobs ran: the union of their runs (overlaps counted once), in the period. */
function measureWallClock(input: ComputeReportInput) {
  const fromMs = input.from === null ? -Infinity : Date.parse(input.from);
  const toMs = input.to === null ? Date.parse(input.generatedAt) : Date.parse(input.to);
  const runs = input.jobs
    .filter((j) => j.startedAt !== null)
    .map(
      (j) =>
        [
          Math.max(Date.parse(j.startedAt ?? ''), fromMs),
          Math.min(j.finishedAt === null ? Date.parse(input.generatedAt) : Date.parse(j.finishedAt), toMs),
        ] as const,
    )
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let totalMs = 0;
  let reach = -Infinity;
  for (const [start, end] of runs) {
    if (end <= reach) continue;
    totalMs += end - Math.max(start, reach);
    reach = end;
  }
  const first = runs[0];
  return {
    firstStart: first ? new Date(first[0]).toISOString() : null,
    lastEnd: runs.length > 0 ? new Date(reach).toISOString() : null,
    hours: formatDecimal(
      divideDecimals({ coefficient: BigInt(totalMs), scale: 0 }, { coefficient: 3_600_000n, scale: 0 }, 6),
    ),
  };
}
