import type { FieldPath } from './field-path.js';

// a NUL, or a UTF-16 surrogate without its other half (JSON's "\ud800" decodes to one)
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text (PostgreSQL refuses both), or undefined. */
export function describeUnsafeText(text: string): string | undefined {
  const match = UNSAFE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000'
    ? 'must not contain a NUL character (\\u0000)'
    : 'must be valid Unicode: it holds a lone surrogate';
}

/** Every string, key or value, of a JSON-like value that cannot be stored as text, with its path. */
export function* findUnsafeText(
  value: unknown,
  path: FieldPath = [],
): Generator<{ path: FieldPath; message: string }> {
  if (typeof value === 'string') {
    const message = describeUnsafeText(value);
    if (message) yield { path, message };
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  for (const [key, child] of entries) {
    const keyProblem = typeof key === 'string' ? describeUnsafeText(key) : undefined;
    if (keyProblem) yield { path: [...path, key], message: `the key ${keyProblem}` };
    yield* findUnsafeText(child, [...path, key]);
  }
}
