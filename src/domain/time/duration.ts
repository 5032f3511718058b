/** A duration in whole seconds. Written `90m`, `6h`, `1h30m`, `2d`, `45s` (units in that order). */
export type Seconds = number;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const DURATION_HINT = 'must be a duration such as 90m, 6h, 1h30m or 2d';

/** Parses `1h30m` → 5400; undefined when the text is not a duration or is zero. */
export function parseDuration(text: string): Seconds | undefined {
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  const seconds = Number(d) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/** 5400 → `1h30m`; the inverse of parseDuration for positive whole seconds. */
export function formatDuration(seconds: Seconds): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
