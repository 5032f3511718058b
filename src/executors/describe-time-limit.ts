import { formatDuration } from '../domain/time/duration.js';

/** `time limit 2h reached`; sub-second and fractional limits (tests, demos) keep their decimals. */
export function describeTimeLimit(seconds: number): string {
  const text = Number.isInteger(seconds) && seconds > 0 ? formatDuration(seconds) : `${seconds}s`;
  return `time limit ${text} reached`;
}
