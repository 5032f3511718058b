/** One problem found in an input file, where a user can find it. Lines and columns count from 1. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The field at fault, dotted (`spec.resources.gpus`, `spec.command[0]`); `yaml` for syntax errors. */
  readonly path: string;
  readonly message: string;
}

/** `job.yaml:14:12: spec.resources.gpus: must be a positive integer or a fraction below 1` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.path === '' ? '' : `${d.path}: `}${d.message}`;
}

/** Diagnostics in reading order: by line, then column, then path. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.line - b.line || a.col - b.col || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
