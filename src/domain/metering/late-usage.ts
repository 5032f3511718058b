import { monthBoundsMs, monthOf, type Month } from './month.js';
import type { UsageRecord } from './usage-record.js';

/**
 * A month's invoice becomes final this long after the month ends: the metering pass that
 * closes the month's last intervals runs well within it.
 */
export const FINALISE_AFTER_MS = 3_600_000;

/** Whether the month's invoice is final at `nowMs` (and frozen the first time it is read). */
export function isMonthFinal(month: Month, nowMs: number): boolean {
  return nowMs >= monthBoundsMs(month).endMs + FINALISE_AFTER_MS;
}

/**
 * Records as the ledger takes them at `now`: one whose month's invoice is already final goes
 * on the invoice open now, as an adjustment naming its month (ADR 0009); the final invoice
 * never changes. Others are billed in their own month.
 */
export function billLateUsage(records: readonly UsageRecord[], now: Date): UsageRecord[] {
  const nowMs = now.getTime();
  const open = monthOf(now);
  return records.map((r) =>
    r.invoiceMonth === null && isMonthFinal(monthOf(r.start), nowMs) ? { ...r, invoiceMonth: open } : r,
  );
}
