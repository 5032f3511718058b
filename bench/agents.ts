/**
 * bench:agents — launches through the fleet protocol: one control plane (this process;
 * PostgreSQL with DATABASE_URL, else embedded PGlite) and 4 real `usine agent` processes on
 * this machine, each its own work dir and node of 8 virtual L40S. Submits JOBS short jobs
 * (`/bin/true`, a quarter GPU each) at once and reads, per job, submitted → started (the
 * agent's own start of the process) from the API. Figures: launches/s from the first
 * submission to the last start, p50/p99 of submitted → started. The anchors printed beside
 * ours are the others' published figures, not measured here. Last line: JSON.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, createOwner, readTestCatalog } from '../test/server/factory-fixture.js';
import { spawnUsineCommand } from '../test/support/spawn-usine.js';
import { startFactory } from '../src/server/start-factory.js';

const AGENTS = 4;
const JOBS = Number(process.env['JOBS'] ?? 200);
const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Bench, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: local }
spec:
  provider: self
  location: { country: FR }
  pue: 1.2
  backend: { type: local }
  capacity: [{ gpuModel: L40S, gpuMemoryGiB: 48, gpusPerNode: 8, nodes: ${AGENTS}, boardPowerW: 350 }]
  offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]
`;

const root = mkdtempSync(join(tmpdir(), 'usine-bench-agents-'));
const factory = await startFactory({
  catalog: readTestCatalog(CATALOG),
  dataDir: join(root, 'server'),
  ...(process.env['DATABASE_URL'] ? { databaseUrl: process.env['DATABASE_URL'] } : {}),
  host: '127.0.0.1',
  port: 0,
  timeScale: 3600,
  reconcileIntervalMs: 500,
  logger: false,
  rateLimit: { perSecond: 100_000, burst: 100_000 },
  version: 'bench',
  embeddedAgents: false,
});
const children: ChildProcess[] = [];
try {
  const call = api(factory.url);
  const adminKey = factory.adminKey ?? '';
  const siteKey = await call('POST', '/v1/keys', { key: adminKey, json: { role: 'agent', site: 'local' } });
  const tokenFile = join(root, 'site.key');
  writeFileSync(tokenFile, `${siteKey.body['key'] as string}\n`, { mode: 0o600 });
  for (let i = 1; i <= AGENTS; i++) {
    const { child } = await spawnUsineCommand(
      [
        'agent',
        ...['--server', factory.url, '--site', 'local', '--token-file', tokenFile, '--node', `bench-${i}`],
        ...['--work-dir', join(root, `agent-${i}`), '--virtual-gpus', 'L40S:48:8', '--nvidia-smi', 'none'],
      ],
      /runs node/,
    );
    children.push(child);
  }
  const { key } = await createOwner(call, adminKey, 'bench');
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: JOBS }, async (_, i) => {
      const body = `apiVersion: usine/v1
kind: Job
metadata: { name: b${i} }
spec:
  workload: dev
  command: ["true"]
  resources: { gpus: 0.25 }
  duration: 1m
  data: { classification: public }
`;
      const r = await call('POST', '/v1/jobs', {
        key,
        body,
        headers: { 'content-type': 'application/yaml', 'idempotency-key': `b${i}` },
      });
      return r.body['id'] as string;
    }),
  );
  const latencies: number[] = [];
  let lastStart = 0;
  let firstCreated = Infinity;
  for (const id of ids) {
    for (;;) {
      const job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
      if (job['startedAt']) {
        const created = Date.parse(job['createdAt'] as string);
        const start = Date.parse(job['startedAt'] as string);
        latencies.push(start - created);
        firstCreated = Math.min(firstCreated, created);
        lastStart = Math.max(lastStart, start);
        break;
      }
      if (performance.now() - started > 600_000) throw new Error(`job ${id} never started`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const perSecond = (JOBS / Math.max(1, lastStart - firstCreated)) * 1000;
  const store = process.env['DATABASE_URL'] ? 'PostgreSQL' : 'PGlite';
  console.log(`bench:agents — ${JOBS} jobs, ${AGENTS} agents (real processes), ${store}, 1 replica`);
  console.log(`  launches/s, first submission → last start: ${perSecond.toFixed(1)}`);
  console.log(`  submitted → started: p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms, max ${pick(1)} ms`);
  console.log(
    '  anchors (published, not measured here): KAI Scheduler ~10 jobs/s end to end; ' +
      "Slurm's main scheduler every 60 s by default (sched_interval) and on events",
  );
  console.log(
    JSON.stringify({
      bench: 'agents',
      jobs: JOBS,
      agents: AGENTS,
      store,
      launchesPerSecond: Number(perSecond.toFixed(1)),
      p50Ms: pick(0.5),
      p99Ms: pick(0.99),
      anchors: { kaiJobsPerSecond: 10, slurmSchedIntervalSeconds: 60 },
    }),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await factory.close();
}
