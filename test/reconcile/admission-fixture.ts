import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../../src/app/context.js';
import { readJobSpecText } from '../../src/app/jobs/read-job-spec.js';
import type { JobRecord } from '../../src/app/ports/records.js';
import type { Store } from '../../src/app/ports/store.js';
import { reconcileOnce } from '../../src/app/reconcile/reconcile-once.js';
import { createReconcilerState, type ReconcilerState } from '../../src/app/reconcile/reconciler-state.js';
import { SimulatedExecutor } from '../../src/executors/index.js';
import { createRandomIds } from '../../src/server/random-ids.js';
import { openStore } from '../../src/store/open-store.js';
import { readTestCatalog } from '../server/factory-fixture.js';

/** A simulated site `paris` of `nodes` × 4 H100, with the given `tenants:` block (YAML, may be empty). */
export const siteCatalog = (tenants: string, nodes = 2) => `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Test Org, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: paris }
spec:
  provider: self
  location: { country: FR }
  pue: 1.3
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 4, nodes: ${nodes}, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2 EUR" }]
${tenants}`;

export interface JobOptions {
  readonly gpus?: number;
  readonly nodes?: number;
  readonly duration?: string;
  readonly priority?: 'low' | 'normal' | 'high' | 'critical';
  readonly preemptible?: boolean;
  readonly cpus?: number;
  readonly labels?: Readonly<Record<string, string>>;
  /** The spec's `placement` (YAML flow mapping); default: the catalog's first site only. */
  readonly placement?: string;
}

/**
 * A control plane without the HTTP server: every site of the catalog simulated on a fake clock
 * (jobs run for their duration of that clock), a real store (PostgreSQL at `databaseUrl`, else
 * in-memory PGlite) and the context the use cases take. Shared by the tests and bench:admission.
 */
export async function startControlPlane(catalogText: string, databaseUrl?: string) {
  let nowMs = Date.parse('2026-11-27T08:00:00Z');
  const clock = { now: () => new Date(nowMs) };
  const catalog = readTestCatalog(catalogText);
  const site = catalog.sites[0]!;
  const executors = new Map(
    catalog.sites.map((s) => [
      s.name,
      new SimulatedExecutor({
        clock,
        timeScale: 1,
        site: s.name,
        capacity: [...s.capacity],
        workDir: mkdtempSync(join(tmpdir(), 'usine-control-plane-')),
      }),
    ]),
  );
  const executor = executors.get(site.name)!;
  const store: Store = await openStore(databaseUrl ? { databaseUrl } : {});
  const ctx: AppContext = {
    store,
    clock,
    ids: createRandomIds(clock),
    catalog,
    executors,
  };
  return {
    ctx,
    store,
    clock,
    site,
    executor,
    executors,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

/**
 * A factory's control plane without the HTTP server (`startControlPlane`), with jobs submitted
 * straight into the store and reconciler passes on demand.
 */
export async function startAdmissionFixture(catalogText: string) {
  const { ctx, store, clock, site, executors, advance } = await startControlPlane(catalogText);
  const tenants = new Map<string, string>();
  const owners = new Map<string, string>();
  let state: ReconcilerState = createReconcilerState();

  return {
    ctx,
    advance(seconds: number) {
      advance(seconds * 1000);
    },
    /** Queues a job of `tenant` (created on first use); one second passes, so jobs keep their order. */
    async submit(tenant: string, name: string, options: JobOptions = {}): Promise<string> {
      let tenantId = tenants.get(tenant);
      if (!tenantId) {
        tenantId = ctx.ids.newId('ten');
        const record = { id: tenantId, name: tenant, createdAt: clock.now().toISOString() };
        await store.transaction((tx) => tx.createTenant(record));
        tenants.set(tenant, tenantId);
      }
      const { document } = readJobSpecText(`apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: train
  command: [train]
  resources: { gpus: ${options.gpus ?? 1}, nodes: ${options.nodes ?? 1}${options.cpus ? `, cpus: ${options.cpus}` : ''} }
  duration: ${options.duration ?? '1h'}
  priority: ${options.priority ?? 'normal'}
  preemptible: ${options.preemptible ?? false}
  placement: ${options.placement ?? `{ sites: [${site.name}] }`}
`);
      const id = ctx.ids.newId('job');
      const at = clock.now().toISOString();
      await store.transaction((tx) =>
        tx.createJob({
          id,
          tenantId,
          project: 'default',
          name,
          kind: 'Job',
          labels: options.labels ?? {},
          document,
          idempotencyKey: id,
          requestHash: id,
          at,
        }),
      );
      owners.set(id, tenantId);
      advance(1000);
      return id;
    },
    /** One reconciler pass; `fresh` starts it from a new reconciler state, as after a restart. */
    async pass(fresh = false) {
      if (fresh) state = createReconcilerState();
      return reconcileOnce(ctx, state);
    },
    async job(id: string): Promise<JobRecord> {
      const job = await store.transaction((tx) => tx.getJob(owners.get(id) ?? '', id));
      if (!job) throw new Error(`no job ${id}`);
      return job;
    },
    async close() {
      for (const executor of executors.values()) await executor.close();
      await store.close();
    },
  };
}

/** Every GPU held by an admitted or running job, as `node#index`, with its holders' shares summed. */
export function sumHeldGpus(jobs: readonly JobRecord[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const job of jobs)
    for (const grant of job.allocation?.nodes ?? [])
      for (const index of grant.gpuIndices) {
        const key = `${grant.node}#${index}`;
        held.set(key, (held.get(key) ?? 0) + grant.milliGpus / grant.gpuIndices.length);
      }
  return held;
}
