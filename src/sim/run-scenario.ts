import { createBinaryHeap } from '../domain/scheduling/binary-heap.js';
import { createClusterState } from '../domain/scheduling/cluster-state.js';
import { createPackingPolicy } from '../domain/scheduling/packing-policies.js';
import { createQuotaBook } from '../domain/scheduling/quota-book.js';
import type { NodeSpec, PodRequest } from '../domain/scheduling/resources.js';
import type { RunningJob } from '../domain/scheduling/running-jobs.js';
import { createSiteScheduler } from '../domain/scheduling/site-scheduler.js';
import type { SiteJob } from '../domain/scheduling/site-job.js';
import { buildTenantQuotas } from '../domain/scheduling/tenant-quotas.js';
import { buildWorkloadProfile } from '../domain/scheduling/workload-profile.js';
import { createEventLogChecker, type LoggedEvent } from './event-log-checker.js';
import type { Scenario } from './scenario.js';
import { createWorkloadGenerator } from './scenario-workload.js';

/** Samples over simulated time, for the chart. */
export interface ScenarioSeries {
  readonly times: number[];
  readonly utilisation: number[];
  readonly queueLength: number[];
  /** Per tenant, its share of the site's GPUs at each sample. */
  readonly tenantShare: number[][];
}

export interface ScenarioOutcome {
  readonly jobs: number;
  readonly simulatedSeconds: number;
  /** Allocated GPU time ÷ site GPU time, from 0 to the last arrival. */
  readonly utilisation: number;
  /** Offered GPU time (the jobs' GPUs × run times) ÷ site GPU time over the same window. */
  readonly offeredLoad: number;
  /**
   * The utilisation the offered load allows over that window: each job's GPUs × the part of its run
   * time inside the window had it started on arrival (an upper bound: no instant capped at the site).
   */
  readonly allowedUtilisation: number;
  readonly waitSeconds: Record<string, { p50: number; p95: number }>;
  readonly jainFairness: number;
  readonly preemptions: number;
  readonly partialGangs: number;
  readonly quotaViolations: number;
  readonly overAllocations: number;
  readonly decisions: number;
  readonly series: ScenarioSeries;
}

export interface RunOptions {
  readonly onProgress?: (arrived: number, total: number) => void;
  /** Every event, in order, as the checker sees it. */
  readonly onEvent?: (event: LoggedEvent) => void;
  /** Samples for the chart (default 300). */
  readonly samples?: number;
}

/**
 * Simulates a scenario with discrete events: arrivals (generated one at a time), completions and
 * preemptions, and one scheduling pass after each instant's events. Pure and deterministic: the
 * same scenario gives the same outcome, byte for byte.
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioOutcome {
  const nodes: NodeSpec[] = [];
  for (const c of scenario.cluster) {
    for (let i = 0; i < c.nodes; i++) {
      nodes.push({
        name: `${c.gpuModel.toLowerCase()}-${i}`,
        cpuMilli: c.cpusPerNode * 1000,
        memoryMib: c.memoryGiBPerNode * 1024,
        gpuCount: c.gpusPerNode,
        gpuModel: c.gpuModel,
        gpuMemoryMib: 0,
      });
    }
  }
  const state = createClusterState(nodes);
  const capacityByModel = state.models.map((_, m) => {
    let sum = 0;
    for (const n of state.nodesByModel[m]!) sum += state.gpuCount[n]! * 1000;
    return sum;
  });
  const tenants = buildTenantQuotas(scenario.tenants, [], state.models);
  const book = createQuotaBook(tenants, capacityByModel);
  const generator = createWorkloadGenerator(scenario);
  const sharePolicy = createPackingPolicy(
    scenario.policy,
    state,
    buildWorkloadProfile(samplePods(scenario)),
    scenario.seed,
  );
  const scheduler = createSiteScheduler({ state, book, sharePolicy });
  const checker = createEventLogChecker(scenario);
  const log = (event: LoggedEvent) => {
    checker.observe(event);
    options.onEvent?.(event);
  };

  const total = generator.total;
  const runtime = new Float64Array(total);
  const arrival = new Float64Array(total);
  const size = new Float64Array(total);
  const generation = new Int32Array(total);
  const tenantCount = scenario.tenants.length;
  const waits: number[][] = scenario.tenants.map(() => []);
  const tenantMilli = new Float64Array(tenantCount);
  const received = new Float64Array(tenantCount);
  const demanded = new Float64Array(tenantCount);
  let offered = 0;

  interface SimEvent {
    readonly time: number;
    readonly seq: number;
    readonly job: number;
    /** -1: an arrival; else the generation of the run that ends. */
    readonly generation: number;
  }
  const events = createBinaryHeap<SimEvent>(
    (a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq),
  );
  let seq = 0;
  let arrived = 0;
  let pendingArrival = generator.next();
  let windowEnd = Infinity;
  const pendingJobs = new Map<number, SiteJob>();
  const scheduleArrival = () => {
    if (!pendingArrival) return;
    events.push({ time: pendingArrival.arrival, seq: seq++, job: arrived, generation: -1 });
  };
  scheduleArrival();

  const sampleCount = options.samples ?? 300;
  const sampleEvery = total / generator.rate / sampleCount;
  let nextSample = 0;
  const series: ScenarioSeries = {
    times: [],
    utilisation: [],
    queueLength: [],
    tenantShare: scenario.tenants.map(() => []),
  };
  const capacity = state.capacityMilli;
  let area = 0;
  let lastTime = 0;
  let preemptions = 0;
  let decisions = 0;
  let now = 0;
  const progressStep = Math.max(1, Math.floor(total / 100));

  while (events.size > 0) {
    now = events.peek()!.time;
    const until = Math.min(now, windowEnd);
    if (until > lastTime) {
      const span = until - lastTime;
      area += state.totals.allocatedMilli * span;
      for (let t = 0; t < tenantCount; t++) received[t] = received[t]! + tenantMilli[t]! * span;
    }
    lastTime = Math.max(lastTime, until);
    while (nextSample <= now && nextSample <= windowEnd) {
      series.times.push(nextSample);
      series.utilisation.push(state.totals.allocatedMilli / capacity);
      series.queueLength.push(scheduler.pendingCount());
      for (let t = 0; t < tenantCount; t++) series.tenantShare[t]!.push(tenantMilli[t]! / capacity);
      nextSample += sampleEvery;
    }
    while (events.size > 0 && events.peek()!.time === now) {
      const event = events.pop()!;
      if (event.generation < 0) {
        const g = pendingArrival!;
        const id = event.job;
        runtime[id] = g.runtime;
        arrival[id] = g.arrival;
        size[id] = g.nodes * g.gpusPerNode * g.gpuMilli;
        const job: SiteJob = {
          id,
          tenant: g.tenant,
          nodes: g.nodes,
          gpusPerNode: g.gpusPerNode,
          gpuMilli: g.gpuMilli,
          cpuMilliPerNode: g.cpuMilliPerNode,
          memoryMibPerNode: g.memoryMibPerNode,
          models: [],
          priority: g.priority,
          isPreemptible: g.isPreemptible,
          submittedAt: g.arrival,
          estimateSeconds: g.estimate,
        };
        const milliSeconds = g.nodes * g.gpusPerNode * g.gpuMilli * g.runtime;
        offered += milliSeconds;
        demanded[g.tenant] = demanded[g.tenant]! + milliSeconds;
        pendingJobs.set(id, job);
        scheduler.submit(job);
        arrived++;
        if (options.onProgress && arrived % progressStep === 0) options.onProgress(arrived, total);
        pendingArrival = generator.next();
        if (pendingArrival) scheduleArrival();
        else windowEnd = now;
      } else if (event.generation === generation[event.job]) {
        const entry = scheduler.finish(event.job);
        if (entry) {
          tenantMilli[entry.job.tenant] = tenantMilli[entry.job.tenant]! - measureMilli(entry);
          log({ kind: 'end', job: event.job });
        }
      }
    }
    for (const decision of scheduler.schedule(now)) {
      decisions++;
      const entry = decision.entry;
      const job = entry.job;
      if (decision.kind === 'start') {
        if (pendingJobs.delete(job.id)) waits[job.tenant]!.push(now - job.submittedAt);
        tenantMilli[job.tenant] = tenantMilli[job.tenant]! + measureMilli(entry);
        events.push({
          time: now + runtime[job.id]!,
          seq: seq++,
          job: job.id,
          generation: generation[job.id]!,
        });
        log({
          kind: 'start',
          job: job.id,
          tenant: job.tenant,
          model: state.models[entry.model]!,
          isPreemptible: job.isPreemptible,
          nodes: job.nodes,
          gpusPerNode: job.gpusPerNode,
          gpuMilli: job.gpuMilli,
          placements: entry.allocations,
        });
      } else {
        preemptions++;
        generation[job.id] = generation[job.id]! + 1;
        tenantMilli[job.tenant] = tenantMilli[job.tenant]! - measureMilli(entry);
        log({ kind: 'preempt', job: job.id });
      }
    }
  }
  options.onProgress?.(total, total);

  const window = Number.isFinite(windowEnd) && windowEnd > 0 ? windowEnd : Math.max(now, 1e-9);
  let allowed = 0;
  for (let i = 0; i < arrived; i++)
    allowed += size[i]! * Math.max(0, Math.min(runtime[i]!, window - arrival[i]!));
  const ratios: number[] = [];
  for (let t = 0; t < tenantCount; t++) if (demanded[t]! > 0) ratios.push(received[t]! / demanded[t]!);
  const sum = ratios.reduce((a, b) => a + b, 0);
  const squares = ratios.reduce((a, b) => a + b * b, 0);
  const waitSeconds: Record<string, { p50: number; p95: number }> = {};
  scenario.tenants.forEach((t, i) => {
    const sorted = Float64Array.from(waits[i]!).sort();
    waitSeconds[t.name] = { p50: round(percentile(sorted, 0.5), 1), p95: round(percentile(sorted, 0.95), 1) };
  });
  return {
    jobs: arrived,
    simulatedSeconds: round(now, 0),
    utilisation: round(area / (capacity * window), 4),
    offeredLoad: round(offered / (capacity * window), 4),
    allowedUtilisation: round(allowed / (capacity * window), 4),
    waitSeconds,
    jainFairness:
      ratios.length === 0 || squares === 0 ? 1 : round((sum * sum) / (ratios.length * squares), 4),
    preemptions,
    partialGangs: checker.counts.partialGangs,
    quotaViolations: checker.counts.quotaViolations,
    overAllocations: checker.counts.overAllocations,
    decisions,
    series,
  };
}

function measureMilli(entry: RunningJob): number {
  return entry.job.nodes * entry.job.gpusPerNode * entry.job.gpuMilli;
}

/** Nearest rank; 0 for no data. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The workload's per-node pod shapes, in proportion, for the packing policy's fragmentation measure. */
function samplePods(scenario: Scenario): PodRequest[] {
  const nodeGpus = Math.max(...scenario.cluster.map((c) => c.gpusPerNode));
  const pods: PodRequest[] = [];
  for (const { gpus, share } of scenario.workload.gpusPerJob) {
    const count = Math.max(1, Math.round(share * 1000));
    const whole = gpus < 1 ? 1 : Math.min(nodeGpus, Math.ceil(gpus));
    const milli = gpus < 1 ? Math.round(gpus * 1000) : 1000;
    for (let i = 0; i < count; i++)
      pods.push({
        cpuMilli: 0,
        memoryMib: 0,
        gpuCount: whole,
        gpuMilli: milli,
        gpuModels: [],
        minGpuMemoryMib: 0,
      });
  }
  return pods;
}
