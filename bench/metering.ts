// Metering benchmark: the rate at which usage records enter the PostgreSQL ledger with
// deduplication on (the unique idempotency key, one INSERT … SELECT FROM unnest(…) ON CONFLICT
// DO NOTHING per batch, through the store's appendUsage). A share of every batch replays keys
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
import type { UsageRecord } from '../src/domain/metering/usage-record.js';
import { openStore } from '../src/store/open-store.js';

const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres:postgres@127.0.0.1:5432/usine_test';
const total = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const batchSize = Number(process.env['BENCH_BATCH'] ?? 5000);
const replayShare = Number(process.env['BENCH_REPLAY_SHARE'] ?? 0.2);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 4);

const START = Date.UTC(2026, 10, 1);
const PROJECTS = ['vision', 'nlp', 'rag', 'speech'];

function record(tenantId: string, i: number): UsageRecord {
  const start = START + (i % 2_000_000) * 1000;
  return {
    key: `ext:bench:site-${i % 16}:${i}`,
    tenantId,
    project: PROJECTS[i % PROJECTS.length] ?? 'vision',
    jobId: null,
    site: `site-${i % 16}`,
    gpuModel: i % 3 === 0 ? 'H100' : 'L40S',
    offering: 'on-demand',
    milliGpus: 1000 * (1 + (i % 8)),
    start: new Date(start).toISOString(),
    end: new Date(start + 60_000).toISOString(),
    energyWh: { coefficient: BigInt(8167 + (i % 100)), scale: 3 },
    pricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
    minimumSeconds: null,
    isFinal: false,
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
  try {
    const tenantId = `ten_bench${run}`;
    await store.transaction((tx) =>
      tx.createTenant({ id: tenantId, name: `bench-${run}`, createdAt: new Date(START).toISOString() }),
    );
    // the batches, built before the clock starts: the figure is the ledger's, not the generator's
    const batches: UsageRecord[][] = [];
    for (let next = 0; next < total;) {
      const fresh = Math.min(Math.round(batchSize * (1 - replayShare)), total - next);
      const batch: UsageRecord[] = [];
      for (let i = 0; i < fresh; i++) batch.push(record(tenantId, next + i));
      // replays: keys of earlier batches (or of this one, for the first)
      for (let i = 0; batch.length < batchSize && i < batchSize; i++) {
        batch.push(record(tenantId, next > 0 ? (next * 7919 + i * 104_729) % next : i % Math.max(fresh, 1)));
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
          const added = await store.transaction((tx) => tx.appendUsage(batch));
          inserted += added;
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
