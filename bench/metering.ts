// Metering benchmark: the rate at which usage CloudEvents enter the PostgreSQL ledger through
// the API's use case (ingestUsageEvents, as the operator: the jobs each event names read in one
// statement per batch, every event checked against its job's site, run, allocation and price)
// with deduplication on (the unique idempotency key, one INSERT … SELECT FROM unnest(…) ON
// CONFLICT DO NOTHING per batch). A share of every batch replays keys
// already in the ledger, as a reporting site that resends does; at the end the ledger must
// hold each key once and the money charged must equal the money of the unique records.
// The last line is one JSON object: {"eventsPerSecond", "duplicatesCharged": 0, …}.
// Env: DATABASE_URL (default: the local usine_test database), BENCH_RECORDS (default 200000),
// BENCH_BATCH (default 5000), BENCH_REPLAY_SHARE (default 0.2), BENCH_RUNS (default 3),
// BENCH_CONCURRENCY (default 4: batches in flight at once, as several sites reporting together;
// a replayed key racing its first insert waits for it and is then skipped).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Static } from 'typebox';
import type { UsageEvent } from '../src/api/metering-schemas.js';
import type { AppContext } from '../src/app/context.js';
import { ingestUsageEvents } from '../src/app/metering/ingest-usage-events.js';
import { readDocuments } from '../src/app/read-documents.js';
import { createRandomIds } from '../src/server/random-ids.js';
import { openStore } from '../src/store/open-store.js';

const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres:postgres@127.0.0.1:5432/usine_test';
const total = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const batchSize = Number(process.env['BENCH_BATCH'] ?? 5000);
const replayShare = Number(process.env['BENCH_REPLAY_SHARE'] ?? 0.2);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 4);

const START = Date.UTC(2026, 10, 1);
const PROJECTS = ['vision', 'nlp', 'rag', 'speech'];
const SITES = 16;
/** Jobs the events name: each holds 8 GPUs on one site since START and runs still. */
const JOBS = 64;

const catalogText = [
  'apiVersion: usine/v1\nkind: Provider\nmetadata: { name: bench }\nspec: { legalName: Bench, jurisdiction: FR }',
  ...Array.from(
    { length: SITES },
    (_, s) => `apiVersion: usine/v1
kind: Site
metadata: { name: site-${s} }
spec:
  provider: bench
  location: { country: FR }
  pue: 1.2
  backend: { type: local }
  capacity:
    - { gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }
    - { gpuModel: L40S, gpuMemoryGiB: 48, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }
  offerings:
    - { gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.50 EUR" }
    - { gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }`,
  ),
].join('\n---\n');

const jobOf = (run: number, j: number) => ({
  id: `job_bench${run}x${j}`,
  site: `site-${j % SITES}`,
  gpuModel: j % 3 === 0 ? 'H100' : 'L40S',
  project: PROJECTS[j % PROJECTS.length] ?? 'vision',
});

function event(run: number, i: number): Static<typeof UsageEvent> {
  const start = START + (i % 2_000_000) * 1000;
  const job = jobOf(run, i % JOBS);
  return {
    specversion: '1.0',
    id: String(i),
    source: `${job.site}/meter`,
    type: 'usine.usage.v1',
    data: {
      job: job.id,
      site: job.site,
      gpuModel: job.gpuModel,
      gpus: 1 + (i % 8),
      start: new Date(start).toISOString(),
      end: new Date(start + 60_000).toISOString(),
      energyWh: `${8 + (i % 100) / 1000}`,
    },
  };
}

async function runOnce(run: number) {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openStore({ databaseUrl: scoped.toString() });
  const set = readDocuments([{ name: 'bench-catalog.yaml', text: catalogText }]);
  const clock = { now: () => new Date() };
  const ctx: AppContext = {
    store,
    clock,
    ids: createRandomIds(clock),
    catalog: set.catalog,
    executors: new Map(),
  };
  const operator = { keyId: 'key_bench', role: 'admin' as const, tenantId: null, project: null, site: null };
  try {
    const tenantId = `ten_bench${run}`;
    const at = new Date(START).toISOString();
    await store.transaction(async (tx) => {
      await tx.createTenant({ id: tenantId, name: `bench-${run}`, createdAt: at });
      for (let j = 0; j < JOBS; j++) {
        const job = jobOf(run, j);
        const decision = {
          site: job.site,
          gpuModel: job.gpuModel,
          offering: 'on-demand',
          pricePerGpuHour: '2.50 EUR',
        };
        await tx.createJob({
          id: job.id,
          tenantId,
          project: job.project,
          name: job.id,
          kind: 'Job',
          labels: {},
          document: {},
          idempotencyKey: job.id,
          requestHash: '0'.repeat(64),
          at,
          placement: { status: 'placed', site: job.site, view: { decision }, reason: null },
        });
        await tx.transitionJob(job.id, {
          from: 'placed',
          to: 'admitted',
          at,
          site: job.site,
          allocation: {
            site: job.site,
            nodes: [{ node: `${job.site}-1`, gpuIndices: [0, 1, 2, 3, 4, 5, 6, 7], milliGpus: 8000 }],
            virtual: true,
          },
        });
        await tx.transitionJob(job.id, { from: 'admitted', to: 'running', at, startedAt: at });
      }
    });
    // the batches, built before the clock starts: the figure is the ledger's, not the generator's
    const batches: Static<typeof UsageEvent>[][] = [];
    for (let next = 0; next < total;) {
      const fresh = Math.min(Math.round(batchSize * (1 - replayShare)), total - next);
      const batch: Static<typeof UsageEvent>[] = [];
      for (let i = 0; i < fresh; i++) batch.push(event(run, next + i));
      // replays: keys of earlier batches (or of this one, for the first)
      for (let i = 0; batch.length < batchSize && i < batchSize; i++) {
        batch.push(event(run, next > 0 ? (next * 7919 + i * 104_729) % next : i % Math.max(fresh, 1)));
      }
      next += fresh;
      batches.push(batch);
    }
    const sent = batches.reduce((s, b) => s + b.length, 0);
    let inserted = 0;
    let taken = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let b = taken++; b < batches.length; b = taken++) {
          const batch = batches[b] ?? [];
          const { accepted } = await ingestUsageEvents(ctx, operator, batch);
          inserted += accepted;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // what the ledger holds and charges, against the unique records: 2.50 EUR per GPU-hour
    const { rows } = await admin.query<{ n: string; quantity: string; charged: string }>(
      `SELECT count(*)::text AS n, sum(milli_gpu_ms)::text AS quantity,
              (sum(milli_gpu_ms * price_per_gpu_hour) / 3600000000)::text AS charged
         FROM ${schema}.usage_records`,
    );
    const ledgerRows = Number(rows[0]?.n ?? 0);
    let expected = 0n;
    for (let i = 0; i < total; i++) expected += BigInt(1000 * (1 + (i % 8))) * 60_000n;
    const quantityOk = BigInt(rows[0]?.quantity ?? '0') === expected;
    return {
      seconds,
      sent,
      inserted,
      ledgerRows,
      // a row beyond the unique records, or a quantity beyond theirs, is a duplicate charged
      duplicatesCharged: Math.max(ledgerRows - total, quantityOk ? 0 : 1),
      charged: rows[0]?.charged ?? '0',
    };
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const r = await runOnce(run);
  results.push(r);
  console.log(
    `run ${run}: ${r.sent} records sent (${r.sent - r.inserted} replays) in ${r.seconds.toFixed(2)} s: ` +
      `${Math.round(r.sent / r.seconds)} records/s, ledger ${r.ledgerRows} rows, charged ${r.charged} EUR`,
  );
}
const rates = results.map((r) => r.sent / r.seconds).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;
console.log(
  JSON.stringify({
    eventsPerSecond: Math.round(median),
    duplicatesCharged: results.reduce((s, r) => s + r.duplicatesCharged, 0),
    records: total,
    batch: batchSize,
    replayShare,
    runs,
    concurrency,
    insertedPerSecond: Math.round(median * (1 - replayShare)),
  }),
);
