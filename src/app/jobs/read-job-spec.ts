import type { Diagnostic } from '../../domain/documents/diagnostic.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import { readDocuments } from '../read-documents.js';
import { UsineError } from '../errors.js';

/**
 * The one Job or Service of a request body (YAML or JSON text; positions refer to it),
 * or a 422 with every problem and where it is.
 */
export function readJobSpecText(text: string, name = 'body'): { spec: JobSpec; document: unknown } {
  const set = readDocuments([{ name, text }]);
  const problems = set.reports.flatMap((r) => r.diagnostics);
  if (problems.length > 0) throw invalidSpec(problems);
  const only = set.specs[0];
  if (!only || set.documentCount !== 1) {
    throw new UsineError('USINE_INVALID_SPEC', 'the body must hold exactly one Job or Service document');
  }
  return { spec: only.spec, document: only.document };
}

function invalidSpec(problems: readonly Diagnostic[]): UsineError {
  const first = problems[0];
  const detail = `${problems.length} problem(s) in the spec${first ? `; first: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}`;
  return new UsineError(
    'USINE_INVALID_SPEC',
    detail,
    problems.map((d) => ({ path: d.path, message: d.message, line: d.line, col: d.col })),
  );
}

/** Specs of recent jobs, least recently read first (a Map keeps insertion order). */
const cache = new Map<string, JobSpec>();
const CACHE_SIZE = 20_000;

/**
 * The normalised spec of a stored job (its document was valid when submitted). The reconciler
 * reads every waiting job's spec at each pass: the specs read most recently stay parsed, and
 * the least recently read one makes room (finished jobs age out, waiting ones stay).
 */
export function readStoredSpec(jobId: string, document: unknown): JobSpec {
  const cached = cache.get(jobId);
  if (cached) {
    cache.delete(jobId);
    cache.set(jobId, cached);
    return cached;
  }
  const { spec } = readJobSpecText(JSON.stringify(document), jobId);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(jobId, spec);
  return spec;
}
