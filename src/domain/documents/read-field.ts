import type { Static, TSchema } from 'typebox';
import { checkCompiled } from './compiled-check.js';
import type { FieldPath } from './field-path.js';

/**
 * The value at `path` when it matches `schema`, else undefined. Lets rules that span
 * several fields run on a document with schema errors elsewhere, so a file shows all
 * its problems at once. The schema must be a module constant (see checkCompiled).
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
  return node !== undefined && checkCompiled(schema, node) ? (node as Static<T>) : undefined;
}
