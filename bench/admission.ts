// Admission benchmark: one reconciler's admission step (the site scheduler rebuilt from the store)
// with thousands of placed jobs waiting on one simulated site. Jobs of 8 tenants (4 with quotas,
// 4 without) are written straight into the store as `placed`; the first pass admits what fits and
// writes every other job's wait reason once, later passes find nothing changed. Prints each pass's
// admission time and the whole pass's; the last line is one JSON object.
// Env: BENCH_PLACED (default 3000), BENCH_NODES (default 64, 8 H100 each), BENCH_PASSES (default 8),
// DATABASE_URL (PostgreSQL; embedded PGlite in memory otherwise).
import { performance } from 'node:perf_hooks';
import { readJobSpecText } from '../src/app/jobs/read-job-spec.js';
import { admitPlaced, readPlacedWindow } from '../src/app/reconcile/admit-placed.js';
import { reconcileOnce } from '../src/app/reconcile/reconcile-once.js';
import { createReconcilerState } from '../src/app/reconcile/reconciler-state.js';
import { startControlPlane } from '../test/reconcile/admission-fixture.js';

const PLACED = Number(process.env['BENCH_PLACED'] ?? 3000);
const NODES = Number(process.env['BENCH_NODES'] ?? 64);
const PASSES = Number(process.env['BENCH_PASSES'] ?? 8);
const TENANTS = ['t0', 't1', 't2', 't3', 'u0', 'u1', 'u2', 'u3'];
const SHAPES = [
  { gpus: 0.5, nodes: 1 },
  { gpus: 1, nodes: 1 },
  { gpus: 2, nodes: 1 },
  { gpus: 4, nodes: 1 },
  { gpus: 8, nodes: 1 },
  { gpus: 8, nodes: 2 },
];
const PRIORITIES = ['low', 'normal', 'normal', 'high'];
const quota = Math.floor((NODES * 8) / 5);

const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: bench }
spec: { legalName: Bench, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: factory }
spec:
  provider: bench
  location: { country: FR }
  pue: 1.2
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: ${NODES}, boardPowerW: 700, cpusPerNode: 96, memoryGiBPerNode: 1024 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2 EUR" }]
  tenants:
${TENANTS.slice(0, 4)
  .map((t, i) => `    - { name: ${t}, cohort: c${i % 2}, quota: { H100: ${quota} } }`)
  .join('\n')}
`;

const { ctx, store, clock, site, executor, advance } = await startControlPlane(
  CATALOG,
  process.env['DATABASE_URL'],
);

const tenantIds = TENANTS.map(() => ctx.ids.newId('ten'));
await store.transaction(async (tx) => {
  for (const [i, name] of TENANTS.entries())
    await tx.createTenant({ id: tenantIds[i]!, name, createdAt: clock.now().toISOString() });
  for (let i = 0; i < PLACED; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const { document } = readJobSpecText(`apiVersion: usine/v1
kind: Job
metadata: { name: job-${i} }
spec:
  workload: train
  command: [train]
  resources: { gpus: ${shape.gpus}, nodes: ${shape.nodes} }
  duration: ${1 + (i % 12)}h
  priority: ${PRIORITIES[i % PRIORITIES.length]}
  preemptible: ${i % 3 === 0}
  placement: { sites: [${site.name}] }
`);
    const id = ctx.ids.newId('job');
    const at = new Date(clock.now().getTime() + i).toISOString();
    await tx.createJob({
      id,
      tenantId: tenantIds[i % TENANTS.length]!,
      project: 'default',
      name: `job-${i}`,
      kind: 'Job',
      labels: {},
      document,
      idempotencyKey: id,
      requestHash: id,
      at,
    });
    await tx.transitionJob(id, { from: 'queued', to: 'placed', at, site: site.name });
  }
});
advance(PLACED + 1000);

const state = createReconcilerState();
const admissionMs: number[] = [];
const passMs: number[] = [];
for (let pass = 0; pass < PASSES; pass++) {
  const allocated = await store.transaction((tx) => tx.listAllocatedJobs());
  const report = { placed: 0, unplaceable: 0, admitted: 0, launched: 0, finished: 0, placementSeconds: [] };
  let started = performance.now();
  await admitPlaced(ctx, state, report, allocated, await readPlacedWindow(ctx), clock.now());
  admissionMs.push(performance.now() - started);
  started = performance.now();
  await reconcileOnce(ctx, state);
  passMs.push(performance.now() - started);
  console.log(
    `pass ${pass}: admission ${admissionMs.at(-1)!.toFixed(0)} ms (${report.admitted} admitted), whole pass ${passMs.at(-1)!.toFixed(0)} ms`,
  );
  advance(1000);
}
const counts = await store.transaction((tx) => tx.countJobsByStatus());
await executor.close();
await store.close();

const steady = admissionMs.slice(2).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    placed: PLACED,
    nodes: NODES,
    gpus: NODES * 8,
    store: process.env['DATABASE_URL'] ? 'postgresql' : 'pglite',
    firstAdmissionMs: Math.round(admissionMs[0]!),
    steadyAdmissionP50Ms: Math.round(steady[Math.floor(steady.length / 2)] ?? 0),
    steadyPassP50Ms: Math.round(passMs.slice(2).sort((a, b) => a - b)[Math.floor((PASSES - 2) / 2)] ?? 0),
    running: counts.running ?? 0,
    stillPlaced: counts.placed ?? 0,
  }),
);
