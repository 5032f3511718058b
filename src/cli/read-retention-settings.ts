import { DURATION_HINT, parseDuration } from '../domain/time/duration.js';
import type { RetentionSettings } from '../server/retention-loop.js';

const DEFAULT_INTERVAL_SECONDS = 3_600;

/**
 * Retention from `--retention` (or USINE_RETENTION: how long finished jobs keep their events
 * and logs, e.g. `30d`; unset keeps everything) and USINE_RETENTION_INTERVAL (how often it
 * runs, default 1h); every bad value reported.
 */
export function readRetentionSettings(
  env: Readonly<Record<string, string | undefined>>,
  flag: string | undefined,
): { retention: RetentionSettings | undefined; problems: string[] } {
  const problems: string[] = [];
  const read = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined || text === '') return undefined;
    const seconds = parseDuration(text);
    if (seconds === undefined) problems.push(`${name} ${text}: ${DURATION_HINT}`);
    return seconds;
  };
  const retentionSeconds = read(
    flag === undefined ? 'USINE_RETENTION' : '--retention',
    flag ?? env['USINE_RETENTION'],
  );
  const intervalSeconds =
    read('USINE_RETENTION_INTERVAL', env['USINE_RETENTION_INTERVAL']) ?? DEFAULT_INTERVAL_SECONDS;
  return {
    retention: retentionSeconds === undefined ? undefined : { retentionSeconds, intervalSeconds },
    problems,
  };
}
