import type { ExportFileEntry } from './export-manifest.js';

/** What a file of the export is found to be. */
export interface FoundFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
}

export interface ExportProblem {
  readonly path: string;
  /** `missing` (listed, absent), `added` (present, not listed), `rows` (count differs), `edited` (hash differs), `audit`, `signature`, `invalid`. */
  readonly kind: 'missing' | 'added' | 'rows' | 'edited' | 'audit' | 'signature' | 'invalid';
  readonly message: string;
}

/**
 * Compares what the manifest lists with what is there: a row removed or added shows in the
 * count and the hash; a row edited in the hash alone.
 */
export function checkFiles(listed: readonly ExportFileEntry[], found: readonly FoundFile[]): ExportProblem[] {
  const problems: ExportProblem[] = [];
  const byPath = new Map(found.map((f) => [f.path, f]));
  for (const entry of listed) {
    const file = byPath.get(entry.path);
    if (!file) {
      problems.push({
        path: entry.path,
        kind: 'missing',
        message: `${entry.path}: listed in the manifest, absent`,
      });
      continue;
    }
    byPath.delete(entry.path);
    if (file.rows !== entry.rows) {
      const how = file.rows > entry.rows ? 'added' : 'removed';
      const n = Math.abs(file.rows - entry.rows);
      problems.push({
        path: entry.path,
        kind: 'rows',
        message: `${entry.path}: ${file.rows} rows, the manifest says ${entry.rows} (${n} ${how})`,
      });
    } else if (file.sha256 !== entry.sha256 || file.bytes !== entry.bytes) {
      problems.push({
        path: entry.path,
        kind: 'edited',
        message: `${entry.path}: its SHA-256 is not the manifest's (a row was edited)`,
      });
    }
  }
  for (const path of byPath.keys())
    problems.push({ path, kind: 'added', message: `${path}: not listed in the manifest (added)` });
  return problems;
}
