import { exactFromDecimal, scaleAmount, type ExactAmount } from './exact-amount.js';
import { durationMs, MILLI_GPU_MS_PER_GPU_HOUR, milliGpuMs, type UsageRecord } from './usage-record.js';
import type { Money } from '../money/money.js';

/** A quantity (milli-GPU × ms) at a price per GPU-hour, exact: quantity × price ÷ 3.6e9. */
export function rateQuantity(quantity: bigint, pricePerGpuHour: Money): ExactAmount {
  return scaleAmount(
    exactFromDecimal(pricePerGpuHour.amount, pricePerGpuHour.currency),
    quantity,
    MILLI_GPU_MS_PER_GPU_HOUR,
  );
}

/**
 * The exact cost of one record at the price fixed at admission, before any minimum or
 * commitment (those are settled per job and per month by the invoice). Linear in the
 * interval's length, so rating a split interval gives the same sum.
 */
export function rateRecord(record: UsageRecord): ExactAmount {
  return rateQuantity(milliGpuMs(record), record.pricePerGpuHour);
}

/**
 * The quantity a job's minimum adds, carried by its final record: when the job's records
 * cover less wall time than `minimumSeconds`, the difference at the final record's GPUs.
 */
export function minimumTopUp(jobRecords: readonly UsageRecord[]): bigint {
  const final = jobRecords.find((r) => r.isFinal);
  if (!final || final.minimumSeconds === null) return 0n;
  // run time at the site's scale; a compensating record takes its share back
  const covered = jobRecords.reduce(
    (sum, r) => sum + BigInt(Math.sign(r.milliGpus)) * durationMs(r) * BigInt(r.timeScale),
    0n,
  );
  const missing = BigInt(final.minimumSeconds) * 1000n - covered;
  return missing > 0n ? missing * BigInt(final.milliGpus) : 0n;
}
