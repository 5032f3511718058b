import { createClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { createPackingPolicy } from '../../src/domain/scheduling/packing-policies.js';
import { createQuotaBook } from '../../src/domain/scheduling/quota-book.js';
import type { NodeSpec } from '../../src/domain/scheduling/resources.js';
import { createSiteScheduler, type SiteScheduler } from '../../src/domain/scheduling/site-scheduler.js';
import type { SiteJob } from '../../src/domain/scheduling/site-job.js';
import { buildWorkloadProfile } from '../../src/domain/scheduling/workload-profile.js';

export interface TenantFixture {
  readonly cohort?: string;
  readonly weight?: number;
  /** GPUs. */
  readonly quota: number;
  /** GPUs; unlimited when absent. */
  readonly borrowingLimit?: number;
}

/** A site of `nodes` H100 nodes of `gpusPerNode` GPUs (96 CPUs, 1 TiB each) and its scheduler. */
export function createSite(
  nodes: number,
  gpusPerNode: number,
  tenants: readonly TenantFixture[],
  options: { requeuePreempted?: boolean } = {},
): SiteScheduler {
  const specs: NodeSpec[] = Array.from({ length: nodes }, (_, n) => ({
    name: `node-${n}`,
    cpuMilli: 96_000,
    memoryMib: 1024 * 1024,
    gpuCount: gpusPerNode,
    gpuModel: 'H100',
    gpuMemoryMib: 0,
  }));
  const state = createClusterState(specs);
  const book = createQuotaBook(
    tenants.map((t, i) => ({
      name: `t${i}`,
      cohort: t.cohort ?? 'main',
      weight: t.weight ?? 1,
      nominalMilli: [t.quota * 1000],
      borrowingLimitMilli: [t.borrowingLimit === undefined ? Infinity : t.borrowingLimit * 1000],
    })),
    [state.capacityMilli],
  );
  const profile = buildWorkloadProfile([
    { cpuMilli: 0, memoryMib: 0, gpuCount: 1, gpuMilli: 500, gpuModels: [], minGpuMemoryMib: 0 },
    { cpuMilli: 0, memoryMib: 0, gpuCount: 1, gpuMilli: 1000, gpuModels: [], minGpuMemoryMib: 0 },
  ]);
  return createSiteScheduler({
    state,
    book,
    sharePolicy: createPackingPolicy('best', state, profile, 1),
    ...options,
  });
}

let nextId = 0;

/** A job: `gpus` whole GPUs on one node (or a share below 1), or `nodes` × `gpus` for a gang. */
export function makeJob(fields: {
  tenant?: number;
  gpus: number;
  nodes?: number;
  priority?: number;
  isPreemptible?: boolean;
  at?: number;
  estimate?: number;
}): SiteJob {
  const share = fields.gpus < 1;
  return {
    id: nextId++,
    tenant: fields.tenant ?? 0,
    nodes: fields.nodes ?? 1,
    gpusPerNode: share ? 1 : fields.gpus,
    gpuMilli: share ? Math.round(fields.gpus * 1000) : 1000,
    cpuMilliPerNode: 0,
    memoryMibPerNode: 0,
    models: [],
    priority: fields.priority ?? 1,
    isPreemptible: fields.isPreemptible ?? false,
    submittedAt: fields.at ?? 0,
    estimateSeconds: fields.estimate ?? 3600,
  };
}

/** Submits the jobs and runs one pass; returns the ids started and preempted. */
export function submitAndSchedule(
  site: SiteScheduler,
  jobs: readonly SiteJob[],
  now = 0,
): { started: number[]; preempted: number[] } {
  for (const job of jobs) site.submit(job);
  const decisions = site.schedule(now);
  return {
    started: decisions.filter((d) => d.kind === 'start').map((d) => d.entry.job.id),
    preempted: decisions.filter((d) => d.kind === 'preempt').map((d) => d.entry.job.id),
  };
}
