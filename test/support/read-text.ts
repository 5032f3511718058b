import { readDocuments, type DocumentSet } from '../../src/app/read-documents.js';
import type { Diagnostic } from '../../src/domain/documents/diagnostic.js';

/** Reads one in-memory file with the real readers. */
export function readText(
  text: string,
  name = 'job.yaml',
): DocumentSet & { diagnostics: readonly Diagnostic[] } {
  const set = readDocuments([{ name, text }]);
  return { ...set, diagnostics: set.reports[0]?.diagnostics ?? [] };
}

/** The first spec of a text that must be valid; fails the test with the diagnostics otherwise. */
export function readValidSpec(text: string) {
  const set = readText(text);
  if (set.diagnostics.length > 0)
    throw new Error(set.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  const spec = set.specs[0]?.spec;
  if (!spec) throw new Error('no spec read');
  return spec;
}

/** A minimal valid job; `spec` lines are indented by two spaces and appended. */
export function jobYaml(specLines = '', resources = 'gpus: 1'): string {
  return [
    'apiVersion: usine/v1',
    'kind: Job',
    'metadata:',
    '  name: demo',
    'spec:',
    '  workload: train',
    '  command: ["python", "train.py"]',
    `  resources: { ${resources} }`,
    ...specLines
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `  ${l}`),
    '',
  ].join('\n');
}

export const DESIGN_EXAMPLE = `apiVersion: usine/v1
kind: Job                      # Job | Service
metadata:
  name: radiology-finetune
  project: clinic-ai           # optional: defaults to the API key's project
  labels: { team: vision }
spec:
  workload: finetune           # train | finetune | inference | serve | dev
  command: ["python", "train.py", "--epochs", "3"]
  image: registry.example/trainer:1.2   # optional; a backend that cannot run images says so
  env: { SEED: "1" }
  resources:
    gpus: 8                    # whole GPUs per node, or a fraction < 1 (0.25) of one GPU
    gpuModels: [H100, H200]    # acceptable models; any when omitted
    gpuMemoryGiB: 80           # minimum per GPU
    nodes: 2                   # all-or-nothing (gang)
    cpus: 32
    memoryGiB: 256
  duration: 6h                 # the user's estimate: used for backfill, price and energy
  maxDuration: 8h              # hard limit: the job is stopped past it
  priority: normal             # low | normal | high | critical
  preemptible: true            # may be preempted; may use spot offerings
  data:
    classification: health     # public | internal | personal | health | restricted
    residency: FR               # FR | EU | EEA | any | a list of ISO country codes
  placement:
    jurisdiction: EU           # operator and its parents under EU law only
    certifications: [HDS]      # every one required
    sites: [local, paris-1]    # allow-list; all when omitted
    prefer: [local]            # hybrid: these first, others only when they cannot take it
    maxPricePerGpuHour: "3.50 EUR"
    objective: cost            # cost | time | carbon
`;
