import { checkSchema } from '../domain/documents/check-schema.js';
import type { Diagnostic } from '../domain/documents/diagnostic.js';
import { formatFieldPath, type FieldPath } from '../domain/documents/field-path.js';
import type { SourceDocument } from '../domain/documents/parse-documents.js';
import { suggestClosest } from '../domain/documents/suggest.js';
import { normaliseGpuModel } from '../domain/scheduling/resources.js';
import { PRIORITY_NAMES } from '../domain/scheduling/site-job.js';
import { parseDuration } from '../domain/time/duration.js';
import type { Scenario } from './scenario.js';
import { ScenarioDocument } from './scenario-schema.js';

export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/**
 * A Scenario document → the normalised scenario, or every problem it has, each with its place in
 * the file: the schema's (unknown fields with a suggestion), then the rules it cannot say (quota
 * models that the cluster has, shares naming real tenants and priorities, GPU counts as numbers).
 */
export function readScenario(document: SourceDocument): ScenarioResult {
  const schemaProblems = checkSchema(ScenarioDocument, document);
  if (schemaProblems.length > 0) return { ok: false, diagnostics: schemaProblems };
  const doc = document.value as ScenarioDocument;
  const diagnostics: Diagnostic[] = [];
  const report = (path: FieldPath, message: string, at: 'key' | 'value' = 'value') => {
    const { line, col } = document.locate(path, at);
    diagnostics.push({ file: document.file, line, col, path: formatFieldPath(path), message });
  };
  const spec = doc.spec;
  const models = spec.cluster.map((c) => normaliseGpuModel(c.gpuModel));
  models.forEach((model, i) => {
    if (models.indexOf(model) !== i)
      report(['spec', 'cluster', i, 'gpuModel'], `${model} is listed twice; one entry per model`);
  });
  const tenantNames = spec.tenants.map((t) => t.name);
  tenantNames.forEach((name, i) => {
    if (tenantNames.indexOf(name) !== i)
      report(['spec', 'tenants', i, 'name'], `tenant ${name} is listed twice`);
  });
  const readGpus = (entry: Record<string, number> | undefined, path: FieldPath) => {
    if (!entry) return undefined;
    const out = new Map<string, number>();
    for (const [key, value] of Object.entries(entry)) {
      const model = normaliseGpuModel(key);
      if (!models.includes(model)) {
        const hint = suggestClosest(key, models);
        report(
          [...path, key],
          `the cluster has no ${key} GPUs${hint ? `; did you mean ${hint}?` : `; it has ${models.join(', ')}`}`,
          'key',
        );
      }
      out.set(model, value);
    }
    return out;
  };
  const tenants = spec.tenants.map((t, i) => ({
    name: t.name,
    cohort: t.cohort ?? 'default',
    weight: t.weight ?? 1,
    quota: readGpus(t.quota, ['spec', 'tenants', i, 'quota']) ?? new Map<string, number>(),
    borrowingLimit: readGpus(t.borrowingLimit, ['spec', 'tenants', i, 'borrowingLimit']),
  }));
  const w = spec.workload;
  const W = ['spec', 'workload'];
  const gpusPerJob: { gpus: number; share: number }[] = [];
  for (const [key, share] of Object.entries(w.gpusPerJob)) {
    const gpus = Number(key);
    if (!/^\d+(\.\d+)?$/.test(key) || !(gpus > 0) || (gpus > 1 && !Number.isInteger(gpus)))
      report(
        [...W, 'gpusPerJob', key],
        'must be a GPU count: a whole number, or a fraction below 1 such as "0.5"',
        'key',
      );
    else gpusPerJob.push({ gpus, share });
  }
  const tenantShare = normaliseShares(
    w.tenantShare,
    tenantNames,
    [...W, 'tenantShare'],
    (name) => `no tenant is named ${name}`,
    report,
  );
  const priorityShare = normaliseShares(
    w.priorityShare ?? { normal: 1 },
    PRIORITY_NAMES,
    [...W, 'priorityShare'],
    (name) => `no priority is named ${name}; priorities are ${PRIORITY_NAMES.join(', ')}`,
    report,
  );
  const total = gpusPerJob.reduce((sum, g) => sum + g.share, 0);
  if (gpusPerJob.length > 0 && total <= 0) report([...W, 'gpusPerJob'], 'the shares must not all be 0');
  const runtime =
    'fixed' in w.runtimes
      ? { kind: 'fixed' as const, seconds: parseDuration(w.runtimes.fixed) ?? 0 }
      : { kind: 'philly' as const };
  if (runtime.kind === 'fixed' && runtime.seconds <= 0)
    report([...W, 'runtimes', 'fixed'], 'must be a duration above 0');
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return {
    ok: true,
    scenario: {
      name: doc.metadata.name,
      seed: spec.seed,
      cluster: spec.cluster.map((c, i) => ({ ...c, gpuModel: models[i]! })),
      tenants,
      workload: {
        jobs: w.jobs,
        targetLoad: w.targetLoad,
        gpusPerJob: gpusPerJob.map((g) => ({ gpus: g.gpus, share: g.share / total })),
        runtime,
        estimateError: w.estimateError ?? 0,
        tenantShare,
        priorityShare,
        preemptibleShare: w.preemptibleShare ?? 0,
      },
      policy: spec.policy ?? 'best',
    },
  };
}

/** Shares by name → shares by position in `names`, summing to 1 (equal shares when absent). */
function normaliseShares(
  shares: Record<string, number> | undefined,
  names: readonly string[],
  path: FieldPath,
  unknown: (name: string) => string,
  report: (path: FieldPath, message: string, at?: 'key' | 'value') => void,
): number[] {
  if (!shares) return names.map(() => 1 / names.length);
  const out = names.map(() => 0);
  for (const [name, share] of Object.entries(shares)) {
    const at = names.indexOf(name);
    if (at < 0) {
      const hint = suggestClosest(name, names);
      report([...path, name], hint ? `${unknown(name)}; did you mean ${hint}?` : unknown(name), 'key');
    } else out[at] = share;
  }
  const total = out.reduce((sum, s) => sum + s, 0);
  if (total <= 0) {
    report(path, 'the shares must not all be 0');
    return out;
  }
  return out.map((s) => s / total);
}
