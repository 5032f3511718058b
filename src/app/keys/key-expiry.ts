import { parseDuration } from '../../domain/time/duration.js';
import type { UsineError } from '../errors.js';
import { invalidField } from '../errors.js';

const LATEST = Date.UTC(10_000, 0, 1);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `expires` of a new key → the instant it stops working: a duration from now (`30d`, `12h`)
 * or an RFC 3339 instant, which must be in the future. Undefined: the key never expires.
 */
export function readKeyExpiry(expires: string | undefined, now: Date): string | null {
  if (expires === undefined) return null;
  const seconds = parseDuration(expires);
  const at =
    seconds !== undefined
      ? now.getTime() + seconds * 1000
      : INSTANT.test(expires)
        ? Date.parse(expires)
        : NaN;
  if (!Number.isFinite(at) || Number.isNaN(new Date(at).getTime())) {
    throw invalidExpiry('must be a duration such as 30d or 12h, or an RFC 3339 instant');
  }
  if (at <= now.getTime()) throw invalidExpiry(`must be in the future (now is ${now.toISOString()})`);
  if (at >= LATEST) throw invalidExpiry('must be before the year 10000');
  return new Date(at).toISOString();
}

function invalidExpiry(message: string): UsineError {
  return invalidField('expires', message);
}
