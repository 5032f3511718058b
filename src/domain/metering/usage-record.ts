import type { Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';

export const USAGE_OFFERINGS = ['on-demand', 'committed', 'spot'] as const;
export type UsageOffering = (typeof USAGE_OFFERINGS)[number];

/**
 * One interval of GPU use, as the ledger keeps it: append-only, never edited; a correction
 * is another record. `key` is the idempotency key (`job_…#3` for the reconciler's third
 * record of a job, `ext:<source>:<id>` for an external event): a record whose key is known
 * changes nothing.
 */
export interface UsageRecord {
  readonly key: string;
  readonly tenantId: string;
  readonly project: string;
  /** null for an external event that names no job. */
  readonly jobId: string | null;
  readonly site: string;
  readonly gpuModel: string;
  readonly offering: UsageOffering;
  /** GPUs held, in thousandths (a half GPU is 500, two GPUs 2000). */
  readonly milliGpus: number;
  /** RFC 3339, millisecond precision; start ≤ end. */
  readonly start: string;
  readonly end: string;
  readonly energyWh: Decimal;
  /** True when the energy came from a site's meter; false or absent: Usine estimated it. */
  readonly energyMeasured?: boolean;
  /** The price fixed at admission (the placement's offering price). */
  readonly pricePerGpuHour: Money;
  /** The offering's minimum billed duration per job, if any. */
  readonly minimumSeconds: number | null;
  /** The job's last record (its minimum, if any, is settled with it). */
  readonly isFinal: boolean;
  /**
   * Simulated seconds per wall-clock second of the site that ran it (an integer; 1 for a real
   * site): a simulated site bills what the job would have used at a real one.
   */
  readonly timeScale: number;
  /**
   * The later month whose invoice carries this record, as an adjustment, because it arrived
   * after its own month's invoice was final; null: billed in the month it starts in.
   */
  readonly invoiceMonth: string | null;
  /** Set on a compensating record: what it corrects, why, who and when. */
  readonly correction: UsageCorrection | null;
}

/** A compensating entry's reason: the original stays; this one takes back (part of) it. */
export interface UsageCorrection {
  /** The key of the record corrected. */
  readonly of: string;
  readonly kind: 'void' | 'adjust';
  readonly reason: string;
  /** The key id of the operator who made it. */
  readonly by: string;
  readonly at: string;
}

/** True for a record of a simulated site (its quantity is scaled). */
export function isSimulated(record: Pick<UsageRecord, 'timeScale'>): boolean {
  return record.timeScale !== 1;
}

/** Milliseconds of the interval, an integer. */
export function durationMs(record: Pick<UsageRecord, 'start' | 'end'>): bigint {
  return BigInt(Date.parse(record.end) - Date.parse(record.start));
}

/**
 * The record's quantity in milli-GPU × milliseconds (of the time the job ran at the site's
 * scale): an integer, so sums are exact. 3.6e9 of them make one GPU-hour; 1e6 one GPU-second.
 * Negative on a compensating record that takes usage back.
 */
export function milliGpuMs(record: Pick<UsageRecord, 'start' | 'end' | 'milliGpus' | 'timeScale'>): bigint {
  return BigInt(record.milliGpus) * durationMs(record) * BigInt(record.timeScale);
}

export const MILLI_GPU_MS_PER_GPU_SECOND = 1_000_000n;
export const MILLI_GPU_MS_PER_GPU_HOUR = 3_600_000_000n;

/** GPU-seconds, exact (six decimals: a milli-GPU for a millisecond). */
export function gpuSecondsOf(quantity: bigint): Decimal {
  return { coefficient: quantity, scale: 6 };
}
