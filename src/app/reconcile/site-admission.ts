import type { Site } from '../../domain/catalog/catalog.js';
import type { Placement } from '../../domain/scheduling/allocation.js';
import { canHostWhenIdle } from '../../domain/scheduling/can-host-when-idle.js';
import { createClusterState, type ClusterState } from '../../domain/scheduling/cluster-state.js';
import { createPackingPolicy } from '../../domain/scheduling/packing-policies.js';
import { createQuotaBook } from '../../domain/scheduling/quota-book.js';
import { normaliseGpuModel } from '../../domain/scheduling/resources.js';
import type { RunningJob } from '../../domain/scheduling/running-jobs.js';
import {
  createSiteScheduler,
  type Decision,
  type SiteScheduler,
} from '../../domain/scheduling/site-scheduler.js';
import { PRIORITY_NAMES, type SiteJob } from '../../domain/scheduling/site-job.js';
import { readSiteJobShape } from '../../domain/scheduling/spec-site-job.js';
import { buildTenantQuotas } from '../../domain/scheduling/tenant-quotas.js';
import { formatWaitReason, type WaitReason } from '../../domain/scheduling/wait-reason.js';
import { buildWorkloadProfile } from '../../domain/scheduling/workload-profile.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { GpuDevice } from '../ports/executor.js';
import type { Allocation, JobRecord } from '../ports/records.js';
import { describeSiteCluster, type SiteCluster } from './site-cluster.js';

export interface SiteAdmissionInput {
  readonly site: Site;
  readonly devices: readonly GpuDevice[];
  /** The site's admitted and running jobs: they hold their GPUs. */
  readonly allocated: readonly JobRecord[];
  /** The site's placed jobs, oldest first. */
  readonly placed: readonly JobRecord[];
  readonly tenantName: (tenantId: string) => string;
}

/** One site's scheduler as of the store, and the way back from its decisions to the store's words. */
export interface SiteAdmission {
  readonly scheduler: SiteScheduler;
  /** The jobs by scheduler number: the allocated ones first, then the placed ones. */
  readonly jobs: readonly JobRecord[];
  /** Placed jobs the site's declared capacity could never hold, with why. */
  readonly neverFit: readonly { readonly job: JobRecord; readonly reason: string }[];
  /** Placed jobs the GPUs reported now could not hold even idle (drained nodes): they wait. */
  readonly shortOfNodes: readonly { readonly job: JobRecord; readonly reason: string }[];
  toAllocation(entry: RunningJob): Allocation;
  /** Why a placed job waits, as stored (`CODE: sentence (detail)`); undefined when it does not. */
  describeWait(id: number): string | undefined;
  /** Why a preempted job was stopped: the job it made room for, and the rule that allowed it. */
  describePreemption(decision: Extract<Decision, { kind: 'preempt' }>): string;
}

/**
 * Builds the site scheduler of one site from the store's records: the inventory's nodes, the
 * catalog's quotas, every admitted or running job adopted on the GPUs it holds, and every placed
 * job submitted with its tenant, priority, preemptibility, shape and estimate. Pure: rebuilt at
 * every pass, so what the store says is all there is (restarts and replicas need nothing else).
 */
export function buildSiteAdmission(input: SiteAdmissionInput): SiteAdmission {
  const { site, allocated, placed } = input;
  const cluster = describeSiteCluster(site, input.devices);
  const state = createClusterState(cluster.nodes);
  const jobs = [...allocated, ...placed];
  const tenants = buildTenantQuotas(
    site.tenants,
    jobs.map((j) => input.tenantName(j.tenantId)),
    state.models,
  );
  const tenantNumbers = new Map(tenants.map((t, i) => [t.name, i]));
  const capacity = state.models.map((_, m) => {
    let gpus = 0;
    for (const n of state.nodesByModel[m]!) gpus += state.gpuCount[n]!;
    return gpus * 1000;
  });
  const book = createQuotaBook(tenants, capacity);
  const specs = jobs.map((j) => readStoredSpec(j.id, j.document));
  const siteJobs = jobs.map((record, id): SiteJob | undefined => {
    const spec = specs[id]!;
    // a job that holds GPUs holds them whatever its spec says of models (GPU memory as reported
    // may read a little under the catalog's): its shape is still what it takes
    const shape =
      readSiteJobShape(spec, state) ??
      (id < allocated.length
        ? readSiteJobShape(
            { ...spec, resources: { ...spec.resources, gpuModels: [], gpuMemoryGiB: undefined } },
            state,
          )
        : undefined);
    if (!shape) return undefined;
    const tenant = tenantNumbers.get(input.tenantName(record.tenantId))!;
    return { ...shape, id, tenant, submittedAt: Date.parse(record.createdAt) / 1000 };
  });
  const present = siteJobs.filter((j) => j !== undefined);
  const profile = buildWorkloadProfile(
    present.map((j) => ({
      cpuMilli: j.cpuMilliPerNode,
      memoryMib: j.memoryMibPerNode,
      gpuCount: j.gpusPerNode,
      gpuMilli: j.gpuMilli,
      gpuModels: j.models.map((m) => state.models[m]!),
      minGpuMemoryMib: 0,
    })),
  );
  const scheduler = createSiteScheduler({
    state,
    book,
    sharePolicy: createPackingPolicy('best', state, profile, 1),
    requeuePreempted: false,
  });

  allocated.forEach((record, id) => {
    const job = siteJobs[id];
    const held = record.allocation ? placementsOf(cluster, record.allocation) : [];
    const model = modelOf(state, held, record);
    if (!job || model < 0) return; // holds nothing this site reports, and names no model it has
    const startedAt = Date.parse(record.startedAt ?? record.updatedAt) / 1000;
    scheduler.adopt(job, model, held, startedAt);
  });
  const neverFit: { job: JobRecord; reason: string }[] = [];
  const shortOfNodes: { job: JobRecord; reason: string }[] = [];
  placed.forEach((record, i) => {
    const id = allocated.length + i;
    const job = siteJobs[id];
    if (job && canHostWhenIdle(state, job)) {
      scheduler.submit(job);
      return;
    }
    const shape = describeShape(specs[id]!);
    if (!canDeclaredCapacityHold(site, specs[id]!))
      neverFit.push({ job: record, reason: `site ${site.name} cannot hold ${shape} even when idle` });
    else
      shortOfNodes.push({
        job: record,
        reason: formatWaitReason(
          { code: 'CAPACITY' },
          `needs ${shape} on ${site.name}, more than the nodes its backend offers now (some drained or down)`,
        ),
      });
  });

  const nameJob = (id: number) => jobs[id]?.id ?? String(id);
  return {
    scheduler,
    jobs,
    neverFit,
    shortOfNodes,
    toAllocation: (entry) => ({
      site: site.name,
      virtual: cluster.virtual,
      nodes: entry.allocations.map((a) => ({
        node: cluster.nodes[a.node]!.name,
        gpuIndices: a.gpus.map((g) => cluster.deviceIndices[a.node]![g]!),
        milliGpus: a.gpus.length * a.gpuMilli,
      })),
    }),
    describeWait(id) {
      const reason = scheduler.waitReason(id);
      const job = siteJobs[id];
      if (!reason || !job) return undefined;
      return formatWaitReason(reason, detailOf(reason, job, specs[id]!), nameJob);
    },
    describePreemption(decision) {
      const by = nameJob(decision.by);
      const preemptor = siteJobs[decision.by];
      if (preemptor && preemptor.tenant !== decision.entry.job.tenant)
        return `preempted to make room for job ${by}: tenant ${book.tenants[preemptor.tenant]!.name} reclaimed the nominal quota this job borrowed on ${site.name}`;
      const priority = PRIORITY_NAMES[preemptor?.priority ?? PRIORITY_NAMES.length - 1];
      return `preempted to make room for job ${by}, of ${priority} priority in the same tenant, on ${site.name}`;
    },
  };

  function detailOf(reason: WaitReason, job: SiteJob, spec: JobSpec): string {
    const needs = `needs ${describeShape(spec)} on ${site.name}`;
    if (reason.code === 'QUOTA') {
      const tenant = book.tenants[job.tenant]!;
      const models = job.models.length > 0 ? job.models : state.models.map((_, m) => m);
      const quotas = models.map((m) =>
        describeQuota(tenant.nominalMilli[m]!, tenant.borrowingLimitMilli[m]!, state.models[m]!),
      );
      const fixed = job.isPreemptible ? '' : '; only preemptible work may borrow';
      return `${needs}; tenant ${tenant.name} has ${quotas.join(', ')}${fixed}`;
    }
    return reason.expectedAt === undefined
      ? needs
      : `${needs}; expected by ${formatMinute(reason.expectedAt)}`;
  }
}

/** The store's grants as the scheduler's placements: node numbers and local GPU numbers. */
function placementsOf(cluster: SiteCluster, allocation: Allocation): Placement[] {
  const placements: Placement[] = [];
  for (const grant of allocation.nodes) {
    const n = cluster.nodeNumbers.get(grant.node);
    if (n === undefined) continue; // a node no longer reported (drained): the job keeps running there
    const devices = cluster.deviceIndices[n]!;
    placements.push({ node: n, gpus: grant.gpuIndices.map((index) => devices.indexOf(index)) });
  }
  return placements;
}

/** The GPU model a running job counts against: its nodes', else the one its placement chose. */
function modelOf(state: ClusterState, held: readonly Placement[], record: JobRecord): number {
  const first = held[0];
  if (first) return state.nodeModel[first.node]!;
  const chosen = (record.placement as { decision?: { gpuModel?: unknown } } | null)?.decision?.gpuModel;
  return typeof chosen === 'string' ? state.models.indexOf(normaliseGpuModel(chosen)) : -1;
}

/** True when the catalog's capacity rows could hold the job were the site idle. */
function canDeclaredCapacityHold(site: Site, spec: JobSpec): boolean {
  const res = spec.resources;
  const wanted = res.gpuModels.map(normaliseGpuModel);
  return site.capacity.some(
    (row) =>
      (wanted.length === 0 || wanted.includes(normaliseGpuModel(row.gpuModel))) &&
      row.gpuMemoryGiB >= (res.gpuMemoryGiB ?? 0) &&
      row.gpusPerNode >= Math.ceil(res.gpus) &&
      row.nodes >= res.nodes &&
      (row.cpusPerNode ?? Infinity) >= (res.cpus ?? 0) &&
      (row.memoryGiBPerNode ?? Infinity) >= (res.memoryGiB ?? 0),
  );
}

function describeShape(spec: JobSpec): string {
  const res = spec.resources;
  const models = res.gpuModels.length > 0 ? ` ${res.gpuModels.join('|')}` : '';
  const gpus = res.gpus < 1 ? `${res.gpus} of a GPU` : `${res.gpus}${models} GPU${res.gpus > 1 ? 's' : ''}`;
  return res.nodes > 1 ? `${res.nodes} nodes × ${gpus}` : gpus;
}

function describeQuota(nominalMilli: number, borrowingMilli: number, model: string): string {
  if (!Number.isFinite(nominalMilli)) return `no ${model} quota limit`;
  const borrow = Number.isFinite(borrowingMilli) ? `may borrow ${borrowingMilli / 1000} more` : 'may borrow';
  return `a quota of ${nominalMilli / 1000} ${model} and ${borrow}`;
}

/** An instant (seconds) to the minute, so a reason is not rewritten at every pass. */
function formatMinute(seconds: number): string {
  return `${new Date(Math.ceil(seconds / 60) * 60_000).toISOString().slice(0, 16)}Z`;
}
