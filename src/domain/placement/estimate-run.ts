import { CONVERSION_SCALE } from '../money/convert.js';
import { decimalFromInteger, divideDecimals, multiplyDecimals } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import type { Seconds } from '../time/duration.js';

/** Milli-GPU-seconds in one GPU-hour. */
const MILLI_GPU_SECONDS_PER_GPU_HOUR = 3_600_000n;

/**
 * The estimated price of a run: price per GPU-hour × GPUs × nodes × hours, exact. A fraction of
 * a GPU pays its fraction; `billed` is the duration or the offering's billing minimum. The only rounding is the division into hours at CONVERSION_SCALE
 * digits (far below any minor unit); display rounds half to even to the minor unit.
 */
export function estimateCost(
  pricePerGpuHour: Money,
  milliGpus: number,
  nodes: number,
  billed: Seconds,
): Money {
  const milliGpuSeconds = decimalFromInteger(BigInt(milliGpus) * BigInt(nodes) * BigInt(billed));
  const amount = divideDecimals(
    multiplyDecimals(pricePerGpuHour.amount, milliGpuSeconds),
    decimalFromInteger(MILLI_GPU_SECONDS_PER_GPU_HOUR),
    CONVERSION_SCALE,
  );
  return { amount, currency: pricePerGpuHour.currency };
}

/**
 * Energy drawn by the GPUs of a run, in kWh: GPUs × board power × hours × PUE / 1000, with a
 * utilisation of 1 (the board power is the ceiling; a job rarely draws more). CPUs, memory and
 * network are not counted: the estimate is the GPUs' share, scaled by the site's overhead (PUE).
 */
export function estimateEnergyKWh(gpus: number, boardPowerW: number, duration: Seconds, pue: number): number {
  return (gpus * boardPowerW * (duration / 3_600) * pue) / 1_000;
}

/** kg CO2e = kWh × grid intensity (g/kWh) / 1000; undefined when the intensity is unknown. */
export function estimateCarbonKg(
  energyKWh: number,
  gridCarbonGPerKWh: number | undefined,
): number | undefined {
  return gridCarbonGPerKWh === undefined ? undefined : (energyKWh * gridCarbonGPerKWh) / 1_000;
}
