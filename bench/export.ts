// Export and import benchmark: a tenant with BENCH_JOBS jobs (default 100,000, three events
// each) and BENCH_USAGE usage records (default 1,000,000, over twelve months) seeded directly
// in a PostgreSQL schema (not measured), then, timed:
// 1. the export (`writeExport`, as GET /v1/export runs it) to a directory, with the process's
//    peak RSS sampled while it runs (the export reads page by page: memory should not grow
//    with the tenant);
// 2. `usine import` of that directory into a fresh schema (verification of every hash and of
//    the audit proofs included).
// Targets (issue 18): export < 60 s, import < 120 s on PostgreSQL. The last line is one JSON
// object. Env: DATABASE_URL (default: the local usine_test database), BENCH_JOBS, BENCH_USAGE.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateAuditPrivateKey, readAuditKeys } from '../src/app/audit/audit-keys.js';
import { AuditVerifier } from '../src/app/audit/audit-verifier.js';
import type { AppContext } from '../src/app/context.js';
import { planExport, writeExport } from '../src/app/exchange/export-tenant.js';
import { importTenant } from '../src/app/exchange/import-tenant.js';
import type { ExportedJob } from '../src/app/ports/exchange-store.js';
import type { JobEventRecord } from '../src/app/ports/records.js';
import { readDocuments } from '../src/app/read-documents.js';
import type { UsageRecord } from '../src/domain/metering/usage-record.js';
import { openAuditWitnessFile } from '../src/server/audit-witness-file.js';
import { createDirectorySink } from '../src/server/exchange/directory-sink.js';
import { createDirectorySource } from '../src/server/exchange/directory-source.js';
import { createRandomIds } from '../src/server/random-ids.js';
import { openStore } from '../src/store/open-store.js';

const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres:postgres@127.0.0.1:5432/usine_test';
const jobCount = Number(process.env['BENCH_JOBS'] ?? 100_000);
const usageCount = Number(process.env['BENCH_USAGE'] ?? 1_000_000);
const TENANT = 'ten_bench';
const YEAR_START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function jobOf(i: number): ExportedJob {
  const at = new Date(YEAR_START + Math.floor((i * 360 * DAY) / jobCount)).toISOString();
  const end = new Date(Date.parse(at) + 3_600_000).toISOString();
  return {
    id: `job_${String(i).padStart(8, '0')}`,
    tenantId: TENANT,
    project: `p${i % 5}`,
    name: `run-${i}`,
    kind: 'Job',
    labels: { team: 'vision' },
    document: {
      apiVersion: 'usine/v1',
      kind: 'Job',
      metadata: { name: `run-${i}`, labels: { team: 'vision' } },
      spec: { command: ['python', 'train.py'], resources: { gpus: 1 }, duration: '1h' },
    },
    status: 'succeeded',
    reason: null,
    placement: {
      decision: { site: 'paris-1', gpuModel: 'H100', offering: 'on-demand', pricePerGpuHour: '2.50 EUR' },
    },
    site: 'paris-1',
    allocation: {
      site: 'paris-1',
      nodes: [{ node: 'n1', gpuIndices: [i % 8], milliGpus: 1000 }],
      virtual: false,
    },
    handle: `h${i}`,
    exitCode: 0,
    createdAt: at,
    updatedAt: end,
    startedAt: at,
    finishedAt: end,
    prunedAt: null,
    idempotencyKey: `run-${i}`,
    requestHash: '0'.repeat(64),
  };
}

function eventsOf(job: ExportedJob): JobEventRecord[] {
  return ['placed', 'admitted', 'running'].map((to, k) => ({
    jobId: job.id,
    seq: k + 1,
    at: job.createdAt,
    type: 'status',
    data: { from: k === 0 ? 'queued' : 'x', to },
  }));
}

function usageOf(i: number): UsageRecord {
  const job = i % jobCount;
  const start = YEAR_START + Math.floor((i * 360 * DAY) / usageCount);
  return {
    key: `job_${String(job).padStart(8, '0')}#${Math.floor(i / jobCount) + 1}`,
    tenantId: TENANT,
    project: `p${job % 5}`,
    jobId: `job_${String(job).padStart(8, '0')}`,
    site: 'paris-1',
    gpuModel: 'H100',
    offering: 'on-demand',
    milliGpus: 1000,
    start: new Date(start).toISOString(),
    end: new Date(start + 60_000).toISOString(),
    energyWh: { coefficient: 8167n, scale: 3 },
    pricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
    minimumSeconds: null,
    isFinal: i >= usageCount - jobCount,
    timeScale: 1,
    invoiceMonth: null,
    correction: null,
  };
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const schemas = [`bench_${randomBytes(5).toString('hex')}`, `bench_${randomBytes(5).toString('hex')}`];
  for (const schema of schemas) await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = schemas.map((schema) => {
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    return u.toString();
  });
  const dir = mkdtempSync(join(tmpdir(), 'usine-bench-export-'));
  const keys = readAuditKeys(generateAuditPrivateKey());
  const source = await openStore({ databaseUrl: scoped[0] ?? '', auditMac: keys.mac });
  const target = await openStore({ databaseUrl: scoped[1] ?? '' });
  try {
    const seeded = performance.now();
    const clock = { now: () => new Date() };
    await source.transaction((tx) =>
      tx.createTenant({ id: TENANT, name: 'bench', createdAt: new Date(YEAR_START).toISOString() }),
    );
    for (let from = 0; from < jobCount; from += 5000) {
      const jobs = Array.from({ length: Math.min(5000, jobCount - from) }, (_, k) => jobOf(from + k));
      await source.transaction(async (tx) => {
        await tx.importJobs(jobs);
        await tx.importJobEvents(jobs.flatMap(eventsOf));
      });
    }
    for (let from = 0; from < usageCount; from += 10_000) {
      const records = Array.from({ length: Math.min(10_000, usageCount - from) }, (_, k) =>
        usageOf(from + k),
      );
      await source.transaction((tx) => tx.appendUsage(records));
    }
    console.log(
      `seeded ${jobCount} jobs, ${jobCount * 3} events, ${usageCount} usage records in ${((performance.now() - seeded) / 1000).toFixed(1)} s (not measured)`,
    );

    const witness = openAuditWitnessFile(join(dir, '..', `${randomBytes(4).toString('hex')}-witness.jsonl`));
    const verifier = new AuditVerifier({
      store: source,
      clock,
      keys,
      witness,
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
    });
    await verifier.start();
    const catalog = readDocuments([]).catalog;
    const ctx: AppContext = {
      store: source,
      clock,
      ids: createRandomIds(clock),
      catalog,
      executors: new Map(),
      audit: verifier,
    };
    const principal = { keyId: 'bench', role: 'admin' as const, tenantId: null, project: null, site: null };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const rssBefore = process.memoryUsage().rss;
    const exportStart = performance.now();
    const manifest = await writeExport(
      ctx,
      await planExport(ctx, principal, TENANT),
      createDirectorySink(dir),
    );
    const exportS = (performance.now() - exportStart) / 1000;
    clearInterval(sampler);
    const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    const rows = manifest.files.reduce((sum, f) => sum + f.rows, 0);
    console.log(
      `export: ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${exportS.toFixed(1)} s (${Math.round(rows / exportS)} rows/s); ` +
        `RSS ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peakRss / 1e6).toFixed(0)} MB (target < 60 s)`,
    );

    const importStart = performance.now();
    const report = await importTenant({ store: target, clock }, createDirectorySource(dir), { by: 'bench' });
    const importS = (performance.now() - importStart) / 1000;
    console.log(
      `import: ${report.inserted.jobs} jobs, ${report.inserted.events} events, ${report.inserted.usage} usage records, ` +
        `${report.invoices.equal}/${report.invoices.checked} invoices equal in ${importS.toFixed(1)} s (target < 120 s)`,
    );
    await verifier.stop(false);
    console.log(
      JSON.stringify({
        jobs: jobCount,
        usage: usageCount,
        exportSeconds: Number(exportS.toFixed(2)),
        exportMB: Number((bytes / 1e6).toFixed(1)),
        exportPeakRssMB: Number((peakRss / 1e6).toFixed(0)),
        rssBeforeMB: Number((rssBefore / 1e6).toFixed(0)),
        importSeconds: Number(importS.toFixed(2)),
        invoicesEqual: report.invoices.equal === report.invoices.checked,
        exportTargetMet: exportS < 60,
        importTargetMet: importS < 120,
      }),
    );
  } finally {
    await source.close();
    await target.close();
    for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
