/** A calendar month in UTC, `YYYY-MM`. */
export type Month = string;

export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

export function isMonth(text: string): boolean {
  return new RegExp(MONTH_PATTERN).test(text);
}

/** The month an instant falls in (UTC). */
export function monthOf(instant: string | Date): Month {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  return d.toISOString().slice(0, 7);
}

/** First instant of the month and first instant of the next, as milliseconds since the epoch. */
export function monthBoundsMs(month: Month): { startMs: number; endMs: number } {
  const [year = 0, mon = 1] = month.split('-').map(Number);
  return { startMs: Date.UTC(year, mon - 1, 1), endMs: Date.UTC(year, mon, 1) };
}

/** The start of the month after the one `instantMs` is in: where a record must be cut. */
export function nextMonthStartMs(instantMs: number): number {
  return monthBoundsMs(monthOf(new Date(instantMs))).endMs;
}
