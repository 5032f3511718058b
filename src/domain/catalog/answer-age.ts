/**
 * How old a dossier answer is at the decision instant, and whether it is still fresh. An answer
 * dated `asOf` is fresh through its twelve-month anniversary day (UTC) and stale from the next day.
 */
export const STALE_AFTER_MONTHS = 12;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whole days from the answer's date (00:00 UTC) to the instant; negative when dated later. */
export function measureAgeDays(asOf: string, at: Date): number {
  return Math.floor((at.getTime() - readDate(asOf)) / DAY_MS);
}

/** True once the instant is past the end of the answer's anniversary day, twelve months on. */
export function isAnswerStale(asOf: string, at: Date): boolean {
  const match = DATE.exec(asOf);
  if (match === null) return true;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.UTC rolls over: an answer of 29 February goes stale after 1 March of the next year.
  const endOfAnniversary = Date.UTC(year, month - 1 + STALE_AFTER_MONTHS, day + 1);
  return at.getTime() >= endOfAnniversary;
}

/** True when the answer is dated after the instant: it was not known then. */
export function isDatedLater(asOf: string, at: Date): boolean {
  return readDate(asOf) > at.getTime();
}

function readDate(asOf: string): number {
  return Date.parse(`${asOf}T00:00:00Z`);
}
