/**
 * Values on their way into SQL parameters. Instants are normalised to millisecond RFC 3339
 * (what JavaScript's Date keeps), so what comes back out of a timestamptz column is
 * exactly what went in, and cursors and audit hashes built from it stay stable.
 */
export function toTimestampParam(at: string, field: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`${field}: not an RFC 3339 instant: ${JSON.stringify(at)}`);
  return new Date(ms).toISOString();
}

export function toNullableTimestampParam(at: string | null, field: string): string | null {
  return at === null ? null : toTimestampParam(at, field);
}

/** JSON text for a `$n::jsonb` parameter; undefined becomes JSON null. */
export function toJsonParam(value: unknown): string {
  return JSON.stringify(value ?? null, writeBigInt);
}

/** JSON text, or SQL NULL for a column where absence is NULL. */
export function toNullableJsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : toJsonParam(value);
}

/** The value as it will read back from a jsonb column (bigints as strings, undefined dropped). */
export function roundTripJson(value: unknown): unknown {
  return JSON.parse(toJsonParam(value)) as unknown;
}

// the same choice as the audit chain's canonical JSON: a bigint is written as its digits
function writeBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
