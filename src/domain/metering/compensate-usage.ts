import { compareDecimals, type Decimal } from '../money/decimal.js';
import { isMonthFinal } from './late-usage.js';
import { monthOf } from './month.js';
import type { UsageCorrection, UsageRecord } from './usage-record.js';

/** What an operator changes in an adjustment: the rest is the original's. */
export interface UsageReplacement {
  readonly milliGpus?: number;
  readonly start?: string;
  readonly end?: string;
  readonly energyWh?: Decimal;
}

export type CompensationResult =
  | { readonly ok: true; readonly records: readonly UsageRecord[] }
  | { readonly ok: false; readonly path: string; readonly message: string };

/**
 * The compensating records of a correction (ADR 0010), never an edit: a void takes the whole
 * original back (its interval, GPUs and energy negated); an adjustment adds the replacement
 * with what changed. Their keys derive from the original's, so the same correction twice
 * writes nothing the second time. Each is billed where the original was if that invoice is
 * still open, else on the invoice open now, as an adjustment naming its month (ADR 0009).
 */
export function compensateUsage(
  original: UsageRecord,
  correction: Omit<UsageCorrection, 'of'>,
  replacement: UsageReplacement | undefined,
  now: Date,
): CompensationResult {
  if (original.correction !== null)
    return refuse('of', `${original.key} is itself a correction: correct the record it corrects instead`);
  if (correction.reason.trim() === '')
    return refuse('reason', 'say why: the reason is kept with the correction');
  const billedIn = (start: string): string | null => {
    const month = original.invoiceMonth ?? monthOf(new Date(start));
    return isMonthFinal(month, now.getTime()) ? monthOf(now) : original.invoiceMonth;
  };
  const made: UsageCorrection = { of: original.key, ...correction };
  const takeBack: UsageRecord = {
    ...original,
    key: `${original.key}~void`,
    milliGpus: -original.milliGpus,
    energyWh: { ...original.energyWh, coefficient: -original.energyWh.coefficient },
    minimumSeconds: null,
    isFinal: false,
    invoiceMonth: billedIn(original.start),
    correction: made,
  };
  if (correction.kind === 'void') return { ok: true, records: [takeBack] };
  if (!replacement || Object.values(replacement).every((v) => v === undefined))
    return refuse(
      'gpus',
      'an adjustment changes the GPUs, the interval or the energy; to take it all back, void it',
    );
  const start = replacement.start ?? original.start;
  const end = replacement.end ?? original.end;
  if (!(Date.parse(start) < Date.parse(end))) return refuse('end', `must be after start (${start})`);
  const milliGpus = replacement.milliGpus ?? original.milliGpus;
  if (!(milliGpus > 0)) return refuse('gpus', 'must be more than 0: to take it all back, void it');
  const energyWh = replacement.energyWh ?? original.energyWh;
  if (compareDecimals(energyWh, { coefficient: 0n, scale: 0 }) < 0)
    return refuse('energyWh', 'must be 0 or more');
  const corrected: UsageRecord = {
    ...original,
    key: `${original.key}~adjust`,
    milliGpus,
    start,
    end,
    energyWh,
    minimumSeconds: null,
    isFinal: false,
    invoiceMonth: billedIn(start),
    correction: made,
  };
  return { ok: true, records: [takeBack, corrected] };
}

function refuse(path: string, message: string): CompensationResult {
  return { ok: false, path, message };
}
