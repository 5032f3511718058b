import { createSeededRandom, type Random } from '../domain/random.js';
import { shapeJob } from '../domain/scheduling/site-job.js';
import { drawPhillyRuntime, measurePhillyMean } from './philly-runtimes.js';
import type { Scenario } from './scenario.js';

/** One generated job before it meets the scheduler. */
export interface GeneratedJob {
  readonly arrival: number;
  readonly gpus: number;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly gpuMilli: number;
  readonly cpuMilliPerNode: number;
  readonly memoryMibPerNode: number;
  readonly runtime: number;
  readonly estimate: number;
  readonly tenant: number;
  readonly priority: number;
  readonly isPreemptible: boolean;
}

/**
 * Draws a scenario's jobs one at a time, so a million jobs never sit in memory together. Arrivals
 * are Poisson with rate targetLoad × site GPUs ÷ E[GPUs × run time]; each job's size, run time,
 * tenant, priority and preemptibility are independent draws; the estimate is the run time off by
 * a uniform factor within ±estimateError. CPU and memory per node follow the GPUs, at the
 * smallest CPU and memory per GPU of the site's node kinds, so that any node kind can host a job.
 */
export interface WorkloadGenerator {
  readonly total: number;
  readonly meanGpuSeconds: number;
  /** Jobs per second. */
  readonly rate: number;
  next(): GeneratedJob | undefined;
}

export function createWorkloadGenerator(scenario: Scenario): WorkloadGenerator {
  const w = scenario.workload;
  const random = createSeededRandom(scenario.seed ^ 0x9e3779b9);
  const meanRuntime = w.runtime.kind === 'fixed' ? w.runtime.seconds : measurePhillyMean();
  const meanGpus = w.gpusPerJob.reduce((sum, g) => sum + g.gpus * g.share, 0);
  const gpus = scenario.cluster.reduce((sum, c) => sum + c.nodes * c.gpusPerNode, 0);
  const rate = (w.targetLoad * gpus) / (meanGpus * meanRuntime);
  const nodeGpus = Math.max(...scenario.cluster.map((c) => c.gpusPerNode));
  const cpuPerGpu = Math.min(...scenario.cluster.map((c) => (c.cpusPerNode * 1000) / c.gpusPerNode));
  const memoryPerGpu = Math.min(...scenario.cluster.map((c) => (c.memoryGiBPerNode * 1024) / c.gpusPerNode));
  let made = 0;
  let clock = 0;
  return {
    total: w.jobs,
    meanGpuSeconds: meanGpus * meanRuntime,
    rate,
    next() {
      if (made >= w.jobs) return undefined;
      made++;
      clock += -Math.log(1 - random.next()) / rate;
      const size =
        w.gpusPerJob[
          drawFrom(
            random,
            w.gpusPerJob.map((g) => g.share),
          )
        ]!.gpus;
      const shape = shapeJob(size, nodeGpus);
      const perNode = shape.gpusPerNode * (shape.gpuMilli / 1000);
      const runtime = w.runtime.kind === 'fixed' ? w.runtime.seconds : drawPhillyRuntime(random);
      const error = w.estimateError * (2 * random.next() - 1);
      return {
        arrival: clock,
        gpus: size,
        ...shape,
        cpuMilliPerNode: Math.floor(cpuPerGpu * perNode),
        memoryMibPerNode: Math.floor(memoryPerGpu * perNode),
        runtime,
        estimate: Math.max(1, Math.round(runtime * (1 + error))),
        tenant: drawFrom(random, w.tenantShare),
        priority: drawFrom(random, w.priorityShare),
        isPreemptible: random.next() < w.preemptibleShare,
      };
    },
  };
}

/** An index drawn with probability proportional to `shares`. */
function drawFrom(random: Random, shares: readonly number[]): number {
  let u = random.next();
  for (let i = 0; i < shares.length; i++) {
    u -= shares[i]!;
    if (u < 0) return i;
  }
  for (let i = shares.length - 1; i >= 0; i--) if (shares[i]! > 0) return i;
  return 0;
}
