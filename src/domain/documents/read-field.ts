import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { FieldPath } from './field-path.js';

/**
 * The value at `path` when it matches `schema`, else undefined. Lets rules that span
 * several fields run on a document with schema errors elsewhere, so a file shows all
 * its problems at once.
 */
export function readField<T extends TSchema>(
  value: unknown,
  path: FieldPath,
  schema: T,
): Static<T> | undefined {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node !== undefined && Value.Check(schema, node) ? (node as Static<T>) : undefined;
}
