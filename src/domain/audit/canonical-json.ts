/**
 * Canonical JSON (RFC 8785 in spirit): object keys sorted (by UTF-16 code units), no
 * whitespace, numbers and strings as JSON.stringify writes them; `undefined` fields dropped.
 * Two equal values always give the same text, so their hash is stable wherever it is computed.
 * Written as one loop of string appends: verifying a chain writes this for every entry, and
 * the entries/filter/sort/map version was most of the time of verifying a million.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      text += (i === 0 ? '' : ',') + canonicalJson(item === undefined ? null : item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}
