import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics, all prefixed `usine_`. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Gauge({
    name: 'usine_jobs',
    help: 'Jobs by state',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly gpusAllocated = new Gauge({
    name: 'usine_gpus_allocated',
    help: 'GPUs held by admitted and running jobs, per site',
    labelNames: ['site'],
    registers: [this.registry],
  });
  readonly gpusFree = new Gauge({
    name: 'usine_gpus_free',
    help: 'GPUs free, per site',
    labelNames: ['site'],
    registers: [this.registry],
  });
  readonly placementSeconds = new Histogram({
    name: 'usine_placement_seconds',
    help: 'Time to place one job across the federation',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly reconcileSeconds = new Histogram({
    name: 'usine_reconcile_seconds',
    help: 'Duration of one reconciler pass',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'usine_http_request_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly jobTransitions = new Counter({
    name: 'usine_job_transitions_total',
    help: 'Jobs moved by the reconciler, by step',
    labelNames: ['step'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'usine_process_' });
  }
}
