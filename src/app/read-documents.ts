import type { Catalog } from '../domain/catalog/catalog.js';
import { buildCatalog } from '../domain/catalog/build-catalog.js';
import { CATALOG_KINDS } from '../domain/catalog/schema.js';
import type { Diagnostic } from '../domain/documents/diagnostic.js';
import { sortDiagnostics } from '../domain/documents/diagnostic.js';
import { parseDocuments, type SourceDocument } from '../domain/documents/parse-documents.js';
import { suggestClosest } from '../domain/documents/suggest.js';
import type { JobSpec } from '../domain/spec/job-spec.js';
import { readSpec } from '../domain/spec/read-spec.js';
import { readScenario } from '../sim/read-scenario.js';

/** A file's name (as the user wrote it, for messages) and its text. */
export interface InputFile {
  readonly name: string;
  readonly text: string;
  /** A problem found before parsing (unreadable, too big, not UTF-8). */
  readonly problem?: string;
}

export interface FileReport {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface DocumentSet {
  readonly specs: readonly { readonly file: string; readonly spec: JobSpec; readonly document: unknown }[];
  /** How many documents the files held, of any kind. */
  readonly documentCount: number;
  readonly catalog: Catalog;
  /** One report per input file, in the order given; a file is valid when its list is empty. */
  readonly reports: readonly FileReport[];
}

const WORKLOAD_KINDS = ['Job', 'Service'];
const KNOWN_KINDS = [...WORKLOAD_KINDS, ...CATALOG_KINDS, 'Scenario'];

/**
 * Reads any mix of Usine documents: workload specs and catalog documents. The catalog
 * documents of all files form one catalog, so a Site may name a Provider of another file.
 */
export function readDocuments(files: readonly InputFile[]): DocumentSet {
  const byFile = new Map<string, Diagnostic[]>(files.map((f) => [f.name, []]));
  const add = (d: Diagnostic) => byFile.get(d.file)?.push(d);
  const specs: { file: string; spec: JobSpec; document: unknown }[] = [];
  let documentCount = 0;
  const catalogDocuments: SourceDocument[] = [];
  for (const file of files) {
    if (file.problem !== undefined) {
      add({ file: file.name, line: 1, col: 1, path: '', message: file.problem });
      continue;
    }
    const parsed = parseDocuments(file.text, file.name);
    parsed.diagnostics.forEach(add);
    if (parsed.documents.length === 0 && parsed.diagnostics.length === 0) {
      add({ file: file.name, line: 1, col: 1, path: '', message: 'the file holds no document' });
    }
    for (const document of parsed.documents) {
      documentCount++;
      const value = document.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const { line, col } = document.locate([]);
        add({
          file: file.name,
          line,
          col,
          path: '',
          message: 'a document must be a map with apiVersion, kind, metadata and spec',
        });
        continue;
      }
      const kind = (value as { kind?: unknown }).kind;
      if (typeof kind !== 'string' || !KNOWN_KINDS.includes(kind)) {
        const hint = typeof kind === 'string' ? suggestClosest(kind, KNOWN_KINDS) : undefined;
        const { line, col } = document.locate(['kind'], kind === undefined ? 'key' : 'value');
        add({
          file: file.name,
          line,
          col,
          path: 'kind',
          message:
            kind === undefined
              ? `required field is missing; one of: ${KNOWN_KINDS.join(', ')}`
              : `must be one of: ${KNOWN_KINDS.join(', ')}${hint ? `; did you mean ${hint}?` : ''}`,
        });
        continue;
      }
      if (kind === 'Scenario') {
        const result = readScenario(document);
        if (!result.ok) result.diagnostics.forEach(add);
      } else if (WORKLOAD_KINDS.includes(kind)) {
        const result = readSpec(document);
        if (result.ok) specs.push({ file: file.name, spec: result.spec, document: document.value });
        else result.diagnostics.forEach(add);
      } else {
        catalogDocuments.push(document);
      }
    }
  }
  const { catalog, diagnostics } = buildCatalog(catalogDocuments);
  diagnostics.forEach(add);
  return {
    specs,
    documentCount,
    catalog,
    reports: files.map((f) => ({ file: f.name, diagnostics: sortDiagnostics(byFile.get(f.name) ?? []) })),
  };
}
