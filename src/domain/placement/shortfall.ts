import { isCertificationValid } from '../catalog/certification.js';
import type { DecisionContext } from './decision-context.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';

/** True when the site holds the certification (any case) and it is valid at `at`. */
export function holdsValid(prepared: PreparedSite, name: string, at: Date): boolean {
  const held = prepared.certifications.get(name.toLowerCase());
  return held !== undefined && isCertificationValid(held, at);
}

/** Why a capacity row cannot hold the gang (in words when `explain`), or undefined when it can. */
export function describeCapacityShortfall(
  candidate: PreparedCandidate,
  context: DecisionContext,
  explain = true,
): string | undefined {
  const { row } = candidate;
  const { job, gpusPerNode } = context;
  const { nodes, cpus, memoryGiB } = job.resources;
  const isShortOfCpus = cpus !== undefined && row.cpusPerNode !== undefined && row.cpusPerNode < cpus;
  const isShortOfMemory =
    memoryGiB !== undefined && row.memoryGiBPerNode !== undefined && row.memoryGiBPerNode < memoryGiB;
  if (row.gpusPerNode >= gpusPerNode && row.nodes >= nodes && !isShortOfCpus && !isShortOfMemory)
    return undefined;
  if (!explain) return '';
  const problems: string[] = [];
  if (row.gpusPerNode < gpusPerNode)
    problems.push(`${row.gpusPerNode} GPUs per node, the job needs ${gpusPerNode}`);
  if (row.nodes < nodes) problems.push(`${row.nodes} node(s), the job needs ${nodes} (gang)`);
  if (isShortOfCpus) problems.push(`${row.cpusPerNode} CPUs per node, the job needs ${cpus}`);
  if (isShortOfMemory)
    problems.push(`${row.memoryGiBPerNode} GiB memory per node, the job needs ${memoryGiB}`);
  return problems.join(', ');
}
