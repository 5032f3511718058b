import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { checkCompiled } from './compiled-check.js';
import type { Diagnostic } from './diagnostic.js';
import { formatFieldPath, parseJsonPointer, type FieldPath } from './field-path.js';
import type { SourceDocument } from './parse-documents.js';
import { suggestClosest } from './suggest.js';
import { withArticle } from './with-article.js';

/**
 * Schema keyword read by this checker (and by ajv-errors, so editors agree): the sentence
 * a user sees when the value at this schema is wrong, instead of a validator's jargon.
 */
export const ERROR_MESSAGE = 'errorMessage';

/** A file shows all its errors at once; TypeBox stops at 8 by default. Bounded by the 1 MiB input. */
const MAX_ERRORS_PER_DOCUMENT = 1000;
Settings.Set({ maxErrors: MAX_ERRORS_PER_DOCUMENT });

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message: string;
}

/**
 * Checks a document's value against a schema and returns every problem, each with the
 * field path and the place it was written. Unknown fields get a "did you mean" suggestion.
 */
export function checkSchema(schema: TSchema, document: SourceDocument): Diagnostic[] {
  // most documents are valid: a compiled check is far cheaper than collecting no errors
  if (checkCompiled(schema, document.value)) return [];
  const errors = [...Value.Errors(schema, document.value)] as unknown as SchemaError[];
  const byPath = new Map<
    string,
    { path: FieldPath; at: 'key' | 'value'; message: string; fromUnion: boolean }
  >();
  for (const error of errors) {
    if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) continue;
    const instancePath = parseJsonPointer(error.instancePath);
    if (error.keyword === 'additionalProperties') {
      const owner = resolveSchema(schema, error.schemaPath);
      const known = Object.keys((owner?.['properties'] as Record<string, unknown> | undefined) ?? {});
      for (const name of (error.params['additionalProperties'] as string[] | undefined) ?? []) {
        const hint = suggestClosest(name, known);
        const message = hint
          ? `unknown field; did you mean ${hint}?`
          : `unknown field; expected one of: ${known.join(', ')}`;
        remember([...instancePath, name], 'key', message, false);
      }
      continue;
    }
    if (error.keyword === 'required') {
      for (const name of (error.params['requiredProperties'] as string[] | undefined) ?? []) {
        remember([...instancePath, name], 'key', 'required field is missing', false);
      }
      continue;
    }
    const { schema: owner, isUnion } = findMessageOwner(schema, error.schemaPath);
    const value = readAt(document.value, instancePath);
    remember(instancePath, 'value', describe(error, owner, value), isUnion);
  }

  // A union reports a failure per branch; when a deeper field explains it, keep only that.
  const keys = [...byPath.keys()];
  const diagnostics: Diagnostic[] = [];
  for (const [key, entry] of byPath) {
    if (
      entry.fromUnion &&
      keys.some((other) => other !== key && isDeeper(byPath.get(other)?.path, entry.path))
    ) {
      continue;
    }
    const { line, col } = document.locate(entry.path, entry.at);
    diagnostics.push({
      file: document.file,
      line,
      col,
      path: formatFieldPath(entry.path),
      message: entry.message,
    });
  }
  return diagnostics;

  function remember(path: FieldPath, at: 'key' | 'value', message: string, fromUnion: boolean): void {
    const key = JSON.stringify(path);
    if (!byPath.has(key)) byPath.set(key, { path, at, message, fromUnion });
  }
}

function isDeeper(path: FieldPath | undefined, than: FieldPath): boolean {
  return path !== undefined && path.length > than.length && than.every((part, i) => path[i] === part);
}

type SchemaNode = Record<string, unknown>;

function resolveSchema(root: TSchema, pointer: string): SchemaNode | undefined {
  let node: unknown = root;
  for (const part of parseJsonPointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node !== null && typeof node === 'object' ? (node as SchemaNode) : undefined;
}

/** Walks up through anyOf/oneOf/allOf branches to the outermost schema that owns a message. */
function findMessageOwner(
  root: TSchema,
  schemaPath: string,
): { schema: SchemaNode | undefined; isUnion: boolean } {
  const parts = schemaPath.replace(/^#/, '').split('/');
  let best = resolveSchema(root, schemaPath);
  let isUnion = false;
  while (parts.length >= 3 && /^(anyOf|oneOf|allOf)$/.test(parts[parts.length - 2] ?? '')) {
    parts.splice(parts.length - 2, 2);
    isUnion = true;
    const candidate = resolveSchema(root, `#${parts.join('/')}`);
    if (candidate) best = candidate;
  }
  if (!best?.[ERROR_MESSAGE]) {
    // no message on the union itself: its branches say what it takes, else the innermost schema
    if (isUnion && best && !listLiterals(best)) {
      const choices = describeBranches(best);
      if (choices) return { schema: { [ERROR_MESSAGE]: `must be ${choices}` }, isUnion };
    }
    return { schema: resolveSchema(root, schemaPath), isUnion };
  }
  return { schema: best, isUnion };
}

/** `an amount and its currency ("12.34 EUR"), or a map with gpuHours`: what each branch takes. */
function describeBranches(union: SchemaNode): string | undefined {
  const branches = (union['anyOf'] ?? union['oneOf']) as SchemaNode[] | undefined;
  if (!Array.isArray(branches)) return undefined;
  return branches.map(describeExpected).join(', or ');
}

function describeExpected(schema: SchemaNode): string {
  const description = schema['description'];
  if (typeof description === 'string')
    return description.replace(/\.$/, '').replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());
  const properties = schema['properties'];
  if (properties && typeof properties === 'object') return `a map with ${Object.keys(properties).join(', ')}`;
  if (schema['type'] === 'array') return 'a list';
  return typeof schema['type'] === 'string' ? withArticle(schema['type']) : 'a value';
}

function readAt(value: unknown, path: FieldPath): unknown {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function describe(error: SchemaError, owner: SchemaNode | undefined, value: unknown): string {
  const custom = owner?.[ERROR_MESSAGE];
  if (typeof custom === 'string') return custom;
  const literals = owner ? listLiterals(owner) : undefined;
  if (literals && literals.length > 0) {
    const hint = typeof value === 'string' ? suggestClosest(value, literals.map(String)) : undefined;
    const choices = `must be one of: ${literals.map(String).join(', ')}`;
    return hint && hint !== value ? `${choices}; did you mean ${hint}?` : choices;
  }
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return `must be ${withArticle(String(p['type']))}, not ${describeType(value)}`;
    case 'minimum':
      return `must be at least ${String(p['limit'])}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(p['limit'])}`;
    case 'maximum':
      return `must be at most ${String(p['limit'])}`;
    case 'minItems':
      return `must have at least ${String(p['limit'])} item(s)`;
    case 'maxItems':
      return `must have at most ${String(p['limit'])} item(s)`;
    case 'minLength':
      return `must not be empty`;
    case 'maxLength':
      return `must be at most ${String(p['limit'])} characters`;
    case 'minProperties':
      return `must have at least ${String(p['limit'])} entry(ies)`;
    case 'maxProperties':
      return `must have at most ${String(p['limit'])} entries`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    case 'pattern':
      return owner?.['description']
        ? `must be ${describeExpected(owner)}`
        : `must match ${String(p['pattern'])}`;
    default:
      return error.message;
  }
}

function listLiterals(schema: SchemaNode): unknown[] | undefined {
  if (Array.isArray(schema['enum'])) return schema['enum'] as unknown[];
  const branches = schema['anyOf'];
  if (Array.isArray(branches) && branches.every((b) => b && typeof b === 'object' && 'const' in b)) {
    return branches.map((b) => (b as SchemaNode)['const']);
  }
  if ('const' in schema) return [schema['const']];
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
