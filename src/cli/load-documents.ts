import type { DocumentSet } from '../app/read-documents.js';
import { formatDiagnostic } from '../domain/documents/diagnostic.js';
import { CliExit, ExitCode, type CliIo } from './io.js';
import { readInputFiles } from './read-input-files.js';

/**
 * Reads the files a command needs (a catalog, a policy, a job) and stops with every problem
 * on stderr and exit code 1 when any is invalid: commands only ever see valid documents.
 */
export async function loadDocuments(paths: readonly string[], io: CliIo): Promise<DocumentSet> {
  // the readers load the schemas (TypeBox, hundreds of modules): only for commands that read files
  const { readDocuments } = await import('../app/read-documents.js');
  const set = readDocuments(readInputFiles(paths, io));
  const problems = set.reports.flatMap((r) => r.diagnostics);
  if (problems.length > 0) {
    for (const d of problems) io.stderr(`${formatDiagnostic(d)}\n`);
    throw new CliExit(ExitCode.error, `${problems.length} problem(s) in the input; nothing done`);
  }
  return set;
}
