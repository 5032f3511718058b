import { checkSchema } from '../documents/check-schema.js';
import type { Diagnostic } from '../documents/diagnostic.js';
import type { SourceDocument } from '../documents/parse-documents.js';
import type { JobSpec } from './job-spec.js';
import { normaliseSpec } from './normalise-spec.js';
import { WorkloadDocument } from './schema.js';
import { checkSpecRules } from './spec-rules.js';

export type SpecResult =
  { readonly ok: true; readonly spec: JobSpec } | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** A Job or Service document → its normalised spec, or every problem it has. */
export function readSpec(document: SourceDocument): SpecResult {
  // A rule's message is the more precise where both speak of one field ("currency required").
  const ruleProblems = checkSpecRules(document);
  const explained = new Set(ruleProblems.map((d) => d.path));
  const problems = [
    ...checkSchema(WorkloadDocument, document).filter((d) => !explained.has(d.path)),
    ...ruleProblems,
  ];
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  return { ok: true, spec: normaliseSpec(document) };
}
