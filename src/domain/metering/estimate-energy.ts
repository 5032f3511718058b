import { decimalFromNumber, divideDecimals, multiplyDecimals, type Decimal } from '../money/decimal.js';

/**
 * The share of board power a GPU draws while a job holds it, when no measurement is given:
 * 0.7, the middle of what training (0.8–0.9) and inference or notebooks (0.3–0.6) draw.
 */
export const ASSUMED_UTILISATION: Decimal = { coefficient: 7n, scale: 1 };

/**
 * Energy of an interval at the site's meter, in Wh (3 decimals): board power × utilisation
 * (or the measured power per GPU) × GPUs × hours × PUE. `quantity` is milli-GPU × ms.
 */
export function estimateEnergyWh(input: {
  readonly quantity: bigint;
  readonly boardPowerW: number;
  readonly pue: number;
  readonly measuredPowerW?: number;
}): Decimal {
  const watts =
    input.measuredPowerW !== undefined
      ? decimalFromNumber(input.measuredPowerW)
      : multiplyDecimals(decimalFromNumber(input.boardPowerW), ASSUMED_UTILISATION);
  const wattMilliGpuMs = multiplyDecimals(multiplyDecimals(watts, decimalFromNumber(input.pue)), {
    coefficient: input.quantity,
    scale: 0,
  });
  // Wh = W × GPU-hours; quantity / 3.6e9 GPU-hours
  return divideDecimals(wattMilliGpuMs, { coefficient: 3_600_000_000n, scale: 0 }, 3);
}
