// Site scheduler benchmark (issue 6). Two runs, figures on stdout, the last line one JSON object:
// 1. the big factory: examples/scenarios/big-factory.yaml (100,000 GPUs, 1,000,000 jobs) through
//    the discrete-event simulation: wall time, peak RSS, utilisation against what the offered load
//    allows. Env BENCH_JOBS overrides the job count, BENCH_SCENARIO the file.
// 2. Kueue's scheduler performance test shape (test/performance/scheduler/configs/baseline):
//    5 cohorts × 6 queues, nominal quota 20, borrowing limit 100, 15,000 workloads of 1, 5 or 20
//    GPUs created on Kueue's intervals with its run times and priorities: scheduling decisions per
//    second of wall time and the utilisation reached in simulated time.
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocuments } from '../src/domain/documents/parse-documents.js';
import { createBinaryHeap } from '../src/domain/scheduling/binary-heap.js';
import { createClusterState } from '../src/domain/scheduling/cluster-state.js';
import { createPackingPolicy } from '../src/domain/scheduling/packing-policies.js';
import { createQuotaBook } from '../src/domain/scheduling/quota-book.js';
import { createSiteScheduler } from '../src/domain/scheduling/site-scheduler.js';
import type { SiteJob } from '../src/domain/scheduling/site-job.js';
import { buildWorkloadProfile } from '../src/domain/scheduling/workload-profile.js';
import { readScenario } from '../src/sim/read-scenario.js';
import { runScenario } from '../src/sim/run-scenario.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const loadBefore = loadavg();

// 1. the big factory
const file = process.env['BENCH_SCENARIO'] ?? resolve(root, 'examples/scenarios/big-factory.yaml');
const parsed = readScenario(parseDocuments(readFileSync(file, 'utf8'), file).documents[0]!);
if (!parsed.ok) throw new Error(`${file} is not a valid scenario`);
const jobs = Number(process.env['BENCH_JOBS'] ?? parsed.scenario.workload.jobs);
const scenario = { ...parsed.scenario, workload: { ...parsed.scenario.workload, jobs } };
const gpus = scenario.cluster.reduce((sum, c) => sum + c.nodes * c.gpusPerNode, 0);
const started = performance.now();
const outcome = runScenario(scenario, {
  onProgress: process.stderr.isTTY
    ? (done, total) => process.stderr.write(`\rfactory ${Math.round((100 * done) / total)}%`)
    : undefined,
});
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
const factoryWall = (performance.now() - started) / 1000;
const factoryRss = process.resourceUsage().maxRSS / 1024;
const factory = {
  gpus,
  jobs: outcome.jobs,
  wallSeconds: round(factoryWall, 1),
  peakRssMiB: Math.round(factoryRss),
  utilisation: outcome.utilisation,
  allowedUtilisation: outcome.allowedUtilisation,
  utilisationOfAllowed: round(outcome.utilisation / outcome.allowedUtilisation, 4),
  offeredLoad: outcome.offeredLoad,
  decisions: outcome.decisions,
  preemptions: outcome.preemptions,
  jainFairness: outcome.jainFairness,
  partialGangs: outcome.partialGangs,
  quotaViolations: outcome.quotaViolations,
  waitSeconds: outcome.waitSeconds,
};
console.log(
  `factory: ${gpus} GPUs, ${outcome.jobs} jobs in ${factory.wallSeconds} s wall, peak RSS ${factory.peakRssMiB} MiB; ` +
    `utilisation ${outcome.utilisation} of ${outcome.allowedUtilisation} allowed (${factory.utilisationOfAllowed}), ` +
    `${outcome.preemptions} preemptions, ${outcome.partialGangs} partial gangs, ${outcome.quotaViolations} quota violations`,
);

// 2. Kueue's shape
const kueue = runKueueShape();
console.log(
  `kueue shape: ${kueue.workloads} workloads, ${kueue.admissions} admissions in ${kueue.wallSeconds} s wall ` +
    `(${kueue.decisionsPerSecond} decisions/s), utilisation ${kueue.utilisation} over ${kueue.makespanSeconds} simulated s, ` +
    `mean time to admission small/medium/large ${kueue.meanAdmissionSeconds.small}/${kueue.meanAdmissionSeconds.medium}/${kueue.meanAdmissionSeconds.large} s`,
);
const loadAfter = loadavg();
console.log(
  `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(JSON.stringify({ factory, kueue, loadBefore, loadAfter }));

function runKueueShape() {
  const cohorts = 5;
  const queuesPerCohort = 6;
  const tenants = cohorts * queuesPerCohort;
  const nodeGpus = 20;
  const nodes = Array.from({ length: tenants }, (_, n) => ({
    name: `node-${n}`,
    cpuMilli: 1_000_000,
    memoryMib: 1_000_000,
    gpuCount: nodeGpus,
    gpuModel: 'GPU',
    gpuMemoryMib: 0,
  }));
  const state = createClusterState(nodes);
  const book = createQuotaBook(
    Array.from({ length: tenants }, (_, t) => ({
      name: `cq-${t}`,
      cohort: `cohort-${Math.floor(t / queuesPerCohort)}`,
      weight: 1,
      nominalMilli: [20_000],
      borrowingLimitMilli: [100_000],
    })),
    [state.capacityMilli],
  );
  const classes = [
    { name: 'small', count: 350, intervalMs: 100, runtimeMs: 200, priority: 0, gpus: 1 },
    { name: 'medium', count: 100, intervalMs: 500, runtimeMs: 500, priority: 1, gpus: 5 },
    { name: 'large', count: 50, intervalMs: 1200, runtimeMs: 1000, priority: 2, gpus: 20 },
  ] as const;
  const profile = buildWorkloadProfile(
    classes.map((c) => ({
      cpuMilli: 0,
      memoryMib: 0,
      gpuCount: c.gpus,
      gpuMilli: 1000,
      gpuModels: [],
      minGpuMemoryMib: 0,
    })),
  );
  const scheduler = createSiteScheduler({
    state,
    book,
    sharePolicy: createPackingPolicy('best', state, profile, 1),
  });
  const all: { job: SiteJob; runtime: number; cls: number }[] = [];
  for (let t = 0; t < tenants; t++) {
    classes.forEach((c, k) => {
      for (let i = 0; i < c.count; i++) {
        all.push({
          job: {
            id: all.length,
            tenant: t,
            nodes: 1,
            gpusPerNode: c.gpus,
            gpuMilli: 1000,
            cpuMilliPerNode: 0,
            memoryMibPerNode: 0,
            models: [],
            priority: c.priority,
            isPreemptible: true,
            submittedAt: (i * c.intervalMs) / 1000,
            estimateSeconds: c.runtimeMs / 1000,
          },
          runtime: c.runtimeMs / 1000,
          cls: k,
        });
      }
    });
  }
  const order = [...all].sort((a, b) => a.job.submittedAt - b.job.submittedAt || a.job.id - b.job.id);
  interface End {
    readonly time: number;
    readonly id: number;
    readonly generation: number;
  }
  const ends = createBinaryHeap<End>((a, b) => a.time < b.time || (a.time === b.time && a.id < b.id));
  const generation = new Int32Array(all.length);
  const firstStart = new Float64Array(all.length).fill(-1);
  let next = 0;
  let admissions = 0;
  let area = 0;
  let last = 0;
  let now = 0;
  const wallStart = performance.now();
  while (next < order.length || ends.size > 0) {
    const arrival = next < order.length ? order[next]!.job.submittedAt : Infinity;
    now = Math.min(arrival, ends.peek()?.time ?? Infinity);
    area += state.totals.allocatedMilli * (now - last);
    last = now;
    while (ends.size > 0 && ends.peek()!.time === now) {
      const end = ends.pop()!;
      if (end.generation === generation[end.id]) scheduler.finish(end.id);
    }
    while (next < order.length && order[next]!.job.submittedAt === now) scheduler.submit(order[next++]!.job);
    for (const d of scheduler.schedule(now)) {
      const id = d.entry.job.id;
      if (d.kind === 'preempt') {
        generation[id] = generation[id]! + 1;
        continue;
      }
      admissions++;
      if (firstStart[id]! < 0) firstStart[id] = now;
      ends.push({ time: now + all[id]!.runtime, id, generation: generation[id]! });
    }
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const mean = (k: number) => {
    const waits = all.filter((w) => w.cls === k).map((w) => firstStart[w.job.id]! - w.job.submittedAt);
    return round(waits.reduce((a, b) => a + b, 0) / waits.length, 2);
  };
  return {
    workloads: all.length,
    admissions,
    wallSeconds: round(wallSeconds, 3),
    decisionsPerSecond: Math.round(admissions / wallSeconds),
    makespanSeconds: round(now, 1),
    utilisation: round(area / (state.capacityMilli * now), 4),
    meanAdmissionSeconds: { small: mean(0), medium: mean(1), large: mean(2) },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
