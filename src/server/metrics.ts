import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { NAMED_METRIC_TENANTS, OTHER_TENANTS, type UsageMetric } from '../app/metering/usage-metrics.js';
import { JOB_STATUSES, type JobStatus } from '../domain/jobs/lifecycle.js';

/**
 * prom-client's default set names three gauges `*_total`, which Prometheus keeps for counters
 * (`promtool check metrics` refuses them): they are dropped; `usine_nodejs_active_handles`,
 * `_requests` and `_resources` of the same set count the same things by type.
 */
const GAUGES_NAMED_AS_COUNTERS = [
  'usine_nodejs_active_handles_total',
  'usine_nodejs_active_requests_total',
  'usine_nodejs_active_resources_total',
];

const USAGE_LABELS = ['tenant', 'site', 'gpu_model'] as const;

/** The server's Prometheus metrics, all prefixed `usine_`. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Gauge({
    name: 'usine_jobs',
    help: 'Jobs by state, every state listed (zero included)',
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
  readonly gpuSeconds = new Counter({
    name: 'usine_gpu_seconds_total',
    help: `GPU-seconds metered, by tenant (the heaviest ${NAMED_METRIC_TENANTS}, the rest as ${OTHER_TENANTS}), site and GPU model`,
    labelNames: USAGE_LABELS,
    registers: [this.registry],
  });
  readonly cost = new Counter({
    name: 'usine_usage_cost_total',
    help: 'Usage rated at the admitted prices, before minimums, commitments and tax, by tenant, site, GPU model and currency',
    labelNames: [...USAGE_LABELS, 'currency'],
    registers: [this.registry],
  });
  readonly energy = new Counter({
    name: 'usine_energy_joules_total',
    help: 'Energy metered (measured or estimated), by tenant, site and GPU model',
    labelNames: USAGE_LABELS,
    registers: [this.registry],
  });
  readonly carbon = new Counter({
    name: 'usine_carbon_grams_total',
    help: 'Carbon emitted in grams CO2e (energy × the grid intensity of the site), by tenant, site and GPU model',
    labelNames: USAGE_LABELS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'usine_' });
    for (const name of GAUGES_NAMED_AS_COUNTERS) this.registry.removeSingleMetric(name);
  }

  /** Every state gets a sample, zero included, so a dashboard never sees a state vanish. */
  setJobCounts(counts: Partial<Record<JobStatus, number>>): void {
    for (const state of JOB_STATUSES) this.jobs.set({ state }, counts[state] ?? 0);
  }

  /** The business counters, from the ledger's totals (they only fall when a correction takes usage back). */
  setUsage(usage: readonly UsageMetric[]): void {
    for (const counter of [this.gpuSeconds, this.cost, this.energy, this.carbon]) counter.reset();
    for (const u of usage) {
      const labels = { tenant: u.tenant, site: u.site, gpu_model: u.gpuModel };
      this.gpuSeconds.inc(labels, Math.max(0, u.gpuSeconds));
      this.cost.inc({ ...labels, currency: u.currency }, Math.max(0, u.cost));
      this.energy.inc(labels, Math.max(0, u.energyJoules));
      if (u.carbonGrams !== undefined) this.carbon.inc(labels, Math.max(0, u.carbonGrams));
    }
  }
}
