import type { SourceDocument } from '../documents/parse-documents.js';
import { ANY_REGION, expandRegion, type Region } from '../geo/region.js';
import { parseMoney, type Money } from '../money/money.js';
import { describeClassificationRule, ruleForClassification } from '../policy/classification.js';
import { mergeNames } from '../policy/merge-names.js';
import { parseDuration } from '../time/duration.js';
import { DEFAULT_DURATION_SECONDS, type JobSpec } from './job-spec.js';
import { DEFAULT_WORKLOAD, type WorkloadDocument } from './schema.js';
import { normaliseService } from './service-spec.js';

/**
 * Builds the normalised JobSpec of a document that passed the schema and the spec rules:
 * defaults applied, the classification's implied constraints added (the stricter wins).
 */
export function normaliseSpec(document: SourceDocument): JobSpec {
  const doc = document.value as WorkloadDocument;
  const spec = doc.spec;
  const res = spec.resources;
  const classification = spec.data?.classification ?? 'internal';
  const rule = ruleForClassification(classification);
  const written = (text: string | string[] | undefined): Region | undefined =>
    text === undefined ? undefined : expandRegion(text);
  const residency = written(spec.data?.residency) ?? rule.residency?.region ?? ANY_REGION;
  const jurisdiction = written(spec.placement?.jurisdiction) ?? rule.jurisdiction?.region ?? ANY_REGION;
  const duration = spec.duration === undefined ? undefined : parseDuration(spec.duration);
  const maxDuration = spec.maxDuration === undefined ? undefined : parseDuration(spec.maxDuration);
  const cap =
    spec.placement?.maxPricePerGpuHour === undefined
      ? undefined
      : parseMoney(spec.placement.maxPricePerGpuHour);
  const caps: Money[] = cap?.ok ? [cap.money] : [];
  const implied = describeClassificationRule(classification);
  const kind = doc.kind as 'Job' | 'Service';
  return {
    kind,
    name: doc.metadata.name,
    project: doc.metadata.project,
    labels: { ...(doc.metadata.labels ?? {}) },
    workload: spec.workload ?? DEFAULT_WORKLOAD[kind],
    command: [...(spec.command ?? [])],
    image: spec.image,
    env: { ...(spec.env ?? {}) },
    resources: {
      gpus: res.gpus,
      milliGpus: Math.round(res.gpus * 1000),
      gpuModels: [...(res.gpuModels ?? [])],
      gpuMemoryGiB: res.gpuMemoryGiB,
      nodes: res.nodes ?? 1,
      cpus: res.cpus,
      memoryGiB: res.memoryGiB,
    },
    duration: duration ?? maxDuration ?? DEFAULT_DURATION_SECONDS,
    isDurationAssumed: duration === undefined && maxDuration === undefined,
    maxDuration,
    priority: spec.priority ?? 'normal',
    preemptible: spec.preemptible ?? false,
    classification,
    constraints: {
      residency,
      jurisdiction,
      certifications: mergeNames(spec.placement?.certifications ?? [], rule.certifications),
      sites: spec.placement?.sites ? [...spec.placement.sites] : undefined,
      prefer: [...(spec.placement?.prefer ?? [])],
      maxPricesPerGpuHour: caps,
      objective: spec.placement?.objective ?? 'cost',
      maxWait: spec.placement?.maxWait === undefined ? undefined : parseDuration(spec.placement.maxWait),
      isObjectiveAssumed: spec.placement?.objective === undefined,
      origins: implied ? [`${implied} (spec.data.classification)`] : [],
    },
    ...(kind === 'Service' ? { service: normaliseService(spec) } : {}),
  };
}
