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

/**
 * Whether a measured energy is physically possible for the interval: at most the GPUs' board
 * power × PUE over it (utilisation 1). `boardPowerPue` is board power × PUE in W, worked out
 * once per site and model; compared exactly in integers, nothing divided.
 */
export function isWithinEnergyCeiling(energyWh: Decimal, quantity: bigint, boardPowerPue: Decimal): boolean {
  // energy ≤ W × quantity / 3.6e9  ⇔  energy.c × 10^W.s × 3.6e9 ≤ W.c × quantity × 10^energy.s
  return (
    energyWh.coefficient * 10n ** BigInt(boardPowerPue.scale) * 3_600_000_000n <=
    boardPowerPue.coefficient * quantity * 10n ** BigInt(energyWh.scale)
  );
}

/** Board power × PUE, in W: what one GPU draws at most, the site's overhead included. */
export function boardPowerWithPue(boardPowerW: number, pue: number): Decimal {
  return multiplyDecimals(decimalFromNumber(boardPowerW), decimalFromNumber(pue));
}
