import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Alias,
  type Node,
} from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { formatFieldPath, pathKey, type FieldPath } from './field-path.js';
import { findUnsafeText } from './unsafe-text.js';

/** Bounds on hostile input: a spec or catalog file is small, and YAML must not be made to explode. */
export interface ParseLimits {
  readonly maxBytes: number;
  /** Alias dereferences allowed while building values: a "billion laughs" file stops here. */
  readonly maxAliasCount: number;
  /** Nesting depth of maps and sequences. */
  readonly maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 1024 * 1024, maxAliasCount: 100, maxDepth: 64 };

/** Keys that could reach an object's prototype when the data is copied around: never accepted. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** One YAML (or JSON) document of a file, as plain data, with where each field was written. */
export interface SourceDocument {
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly index: number;
  readonly value: unknown;
  /** Where a field was written; `key` points at its name (for unknown fields), `value` at its value. */
  readonly locate: (path: FieldPath, at?: 'key' | 'value') => Position;
}

export interface ParsedFile {
  readonly documents: SourceDocument[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses the documents of one file (YAML 1.2, which includes JSON), keeping positions.
 * Never throws on bad input: every problem becomes a diagnostic.
 */
export function parseDocuments(
  text: string,
  file: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedFile {
  const size = new TextEncoder().encode(text).length;
  if (size > limits.maxBytes) {
    return {
      documents: [],
      diagnostics: [
        {
          file,
          line: 1,
          col: 1,
          path: '',
          message: `file is ${size} bytes, over the limit of ${limits.maxBytes} bytes; split it into smaller files`,
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const documents: SourceDocument[] = [];
  const yamlDocuments = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const list = Array.isArray(yamlDocuments) ? yamlDocuments : [];
  list.forEach((doc, index) => {
    const syntaxErrors = [...doc.errors, ...doc.warnings];
    for (const error of syntaxErrors) {
      const { line, col } = at(error.pos[0]);
      diagnostics.push({
        file,
        line,
        col,
        path: 'yaml',
        message: describeYamlError(error.code, error.message),
      });
    }
    if (doc.errors.length > 0) return;
    if (doc.contents === null) return; // an empty document, e.g. after a trailing `---`
    const contents = doc.contents;
    const walkProblem = checkStructure(contents, limits.maxDepth, 0, (alias) => alias.resolve(doc), []);
    if (walkProblem) {
      const { line, col } = at(walkProblem.offset);
      diagnostics.push({ file, line, col, path: 'yaml', message: walkProblem.message });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const offset = findFirstAlias(doc.contents) ?? 0;
      const { line, col } = at(offset);
      const reason = error instanceof Error ? error.message : String(error);
      diagnostics.push({
        file,
        line,
        col,
        path: 'yaml',
        message: /alias/i.test(reason)
          ? `too many alias expansions (limit ${limits.maxAliasCount}): the file looks like an entity-expansion attack`
          : `cannot build the document: ${reason}`,
      });
      return;
    }
    // positions are needed only to report a problem: indexed on the first question
    let positions: Map<string, { key: number; value: number }> | undefined;
    const locate = (path: FieldPath, where: 'key' | 'value' = 'value'): Position => {
      if (!positions) {
        positions = new Map();
        indexPositions(contents, [], positions);
      }
      for (let n = path.length; n >= 0; n--) {
        const found = positions.get(pathKey(path.slice(0, n)));
        if (found) return at(n === path.length ? found[where] : found.key);
      }
      return { line: 1, col: 1 };
    };
    for (const forbidden of findForbiddenKeys(value, [])) {
      const { line, col } = locate(forbidden, 'key');
      diagnostics.push({
        file,
        line,
        col,
        path: formatFieldPath(forbidden),
        message: `the key "${String(forbidden[forbidden.length - 1])}" is not allowed anywhere`,
      });
    }
    for (const unsafe of findUnsafeText(value)) {
      const { line, col } = locate(unsafe.path);
      diagnostics.push({ file, line, col, path: formatFieldPath(unsafe.path), message: unsafe.message });
    }
    documents.push({ file, index, value, locate });
  });
  return { documents, diagnostics };
}

function describeYamlError(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each field may appear once';
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

interface WalkProblem {
  readonly offset: number;
  readonly message: string;
}

/**
 * Refuses what the document model cannot hold safely: deep nesting, keys that are not plain,
 * an alias to a node that contains it (`x: &x { y: *x }` would be a value without end).
 */
function checkStructure(
  node: Node | null,
  maxDepth: number,
  depth: number,
  resolve: (alias: Alias) => unknown,
  ancestors: readonly Node[],
): WalkProblem | undefined {
  if (node && isAlias(node) && ancestors.includes(resolve(node) as Node)) {
    return {
      offset: node.range?.[0] ?? 0,
      message: `the alias *${node.source} refers to a node that contains it`,
    };
  }
  if (!node || isAlias(node) || isScalar(node)) return undefined;
  const offset = node.range?.[0] ?? 0;
  const inside = [...ancestors, node];
  if ((isMap(node) || isSeq(node)) && depth >= maxDepth) {
    return { offset, message: `nesting deeper than ${maxDepth} levels` };
  }
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as Node | null;
      if (!isScalar(keyNode))
        return { offset: keyNode?.range?.[0] ?? offset, message: 'keys must be plain strings' };
      const problem = checkStructure(item.value as Node | null, maxDepth, depth + 1, resolve, inside);
      if (problem) return problem;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const problem = checkStructure(item as Node | null, maxDepth, depth + 1, resolve, inside);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Records the offset of every key and value; never follows aliases, so it stays linear. */
function indexPositions(
  node: Node | null,
  path: (string | number)[],
  positions: Map<string, { key: number; value: number }>,
): void {
  if (!node) return;
  const offset = node.range?.[0] ?? 0;
  if (!positions.has(pathKey(path))) positions.set(pathKey(path), { key: offset, value: offset });
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const keyOffset = (item.key as Node).range?.[0] ?? offset;
      const valueNode = item.value as Node | null;
      const childPath = [...path, String(item.key.value)];
      positions.set(pathKey(childPath), { key: keyOffset, value: valueNode?.range?.[0] ?? keyOffset });
      indexPositions(valueNode, childPath, positions);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => indexPositions(item as Node | null, [...path, i], positions));
  }
}

function findFirstAlias(node: Node | null): number | undefined {
  if (!node) return undefined;
  if (isAlias(node)) return node.range?.[0];
  if (isMap(node)) {
    for (const item of node.items) {
      const found = findFirstAlias(item.value as Node | null);
      if (found !== undefined) return found;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const found = findFirstAlias(item as Node | null);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function* findForbiddenKeys(value: unknown, path: (string | number)[]): Generator<(string | number)[]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* findForbiddenKeys(value[i], [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        yield [...path, key];
        delete (value as Record<string, unknown>)[key];
      } else {
        yield* findForbiddenKeys((value as Record<string, unknown>)[key], [...path, key]);
      }
    }
  }
}
