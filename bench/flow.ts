// Flow benchmark: N jobs submitted as fast as the API takes them to a federation of simulated
// sites with room for all, at the same price (so only the spreading decides where they go).
// The factory (HTTP API, reconciler loop, store) runs in this process on a fresh data dir
// (PGlite, or PostgreSQL at DATABASE_URL: use a throw-away database); BENCH_CONCURRENCY clients
// POST /v1/jobs over keep-alive connections for 4 tenants while a prober asks /healthz every
// 50 ms. It then waits until every job is running (or BENCH_TIMEOUT_S passes) and reads each
// job's times and site. Prints starts/s (jobs running ÷ seconds from the first submission to the
// last start), submit→running p50/p99, the spread (per site: jobs placed there ÷ its share, of
// the jobs placed anywhere, by free GPUs),
// /healthz p50/p99/max; the last line is one JSON object.
// Flags: --jobs N (or BENCH_JOBS; default 5000), --concurrency C (BENCH_CONCURRENCY; 32).
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startFactory } from '../src/server/start-factory.js';
import { readTestCatalog } from '../test/server/factory-fixture.js';

const { values } = parseArgs({
  options: { jobs: { type: 'string' }, concurrency: { type: 'string' }, timeout: { type: 'string' } },
});
const JOBS = Number(values.jobs ?? process.env['BENCH_JOBS'] ?? 5000);
const CONCURRENCY = Number(values.concurrency ?? process.env['BENCH_CONCURRENCY'] ?? 32);
const TIMEOUT_S = Number(values.timeout ?? process.env['BENCH_TIMEOUT_S'] ?? 600);
const TENANTS = ['t0', 't1', 't2', 't3'];
/** Sites by weight of capacity: room for every job with a quarter to spare, 8 GPUs a node. */
const WEIGHTS = { 'sim-a': 4, 'sim-b': 2, 'sim-c': 1, 'sim-d': 1 };
const totalNodes = Math.ceil((JOBS * 1.25) / 8);
const weightSum = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
const nodesOf = Object.fromEntries(
  Object.entries(WEIGHTS).map(([name, w]) => [name, Math.ceil((totalNodes * w) / weightSum)]),
);

const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: bench }
spec: { legalName: Bench, jurisdiction: FR }
${Object.entries(nodesOf)
  .map(
    ([name, nodes]) => `---
apiVersion: usine/v1
kind: Site
metadata: { name: ${name} }
spec:
  provider: bench
  location: { country: FR }
  pue: 1.2
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: ${nodes}, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2 EUR" }]
`,
  )
  .join('')}`;

const JOB = (i: number) => `apiVersion: usine/v1
kind: Job
metadata: { name: flow-${i} }
spec: { command: [train], resources: { gpus: 1 }, duration: 2h }
`;

const dataDir = mkdtempSync(join(tmpdir(), 'usine-bench-flow-'));
const factory = await startFactory({
  catalog: readTestCatalog(CATALOG),
  dataDir,
  ...(process.env['DATABASE_URL'] ? { databaseUrl: process.env['DATABASE_URL'] } : {}),
  host: '127.0.0.1',
  port: 0,
  timeScale: 1,
  reconcileIntervalMs: 100,
  logger: false,
  rateLimit: { perSecond: 1e9, burst: 1e9, perTenant: { perSecond: 1e9, burst: 1e9 } },
  version: 'bench',
});
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });

function send(method: string, path: string, key: string, body?: string, type = 'application/json') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      new URL(path, factory.url),
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': type, 'idempotency-key': `k-${Math.random()}` }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const admin = factory.adminKey ?? '';
const keys: string[] = [];
for (const name of TENANTS) {
  const tenant = JSON.parse((await send('POST', '/v1/tenants', admin, JSON.stringify({ name }))).body) as {
    id: string;
  };
  const key = await send('POST', `/v1/tenants/${tenant.id}/keys`, admin, JSON.stringify({ role: 'owner' }));
  keys.push((JSON.parse(key.body) as { key: string }).key);
}
await new Promise((r) => setTimeout(r, 1_000)); // a few reconciler passes: the sites are measured

const health: number[] = [];
let probing = true;
const prober = (async () => {
  while (probing) {
    const sent = performance.now();
    await send('GET', '/healthz', admin);
    health.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, 50));
  }
})();

const startedAt = Date.now();
let next = 0;
let failures = 0;
let firstFailure = '';
const client = async () => {
  while (next < JOBS) {
    const i = next++;
    const answer = await send('POST', '/v1/jobs', keys[i % keys.length]!, JOB(i), 'application/yaml');
    if (answer.status !== 201) {
      failures++;
      firstFailure ||= `${answer.status} ${answer.body.slice(0, 200)}`;
    }
  }
};
await Promise.all(Array.from({ length: CONCURRENCY }, client));
const submittedAt = Date.now();
console.error(`bench:flow: ${JOBS} submitted in ${((submittedAt - startedAt) / 1000).toFixed(1)} s`);

let counts: Partial<Record<string, number>> = {};
while (Date.now() - submittedAt < TIMEOUT_S * 1000) {
  counts = await factory.ctx.store.transaction((tx) => tx.countJobsByStatus());
  if ((counts['running'] ?? 0) + (counts['succeeded'] ?? 0) >= JOBS - failures) break;
  await new Promise((r) => setTimeout(r, 500));
}
probing = false;
await prober;

const waits: number[] = [];
const perSite = new Map<string, number>();
let lastStart = startedAt;
for (const key of keys) {
  let cursor: string | null = null;
  do {
    const page = JSON.parse(
      (await send('GET', `/v1/jobs?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, key)).body,
    ) as {
      items: { createdAt: string; startedAt: string | null; site: string | null }[];
      nextCursor: string | null;
    };
    for (const job of page.items) {
      if (job.site) perSite.set(job.site, (perSite.get(job.site) ?? 0) + 1);
      if (!job.startedAt) continue;
      const started = Date.parse(job.startedAt);
      lastStart = Math.max(lastStart, started);
      waits.push(started - Date.parse(job.createdAt));
    }
    cursor = page.nextCursor;
  } while (cursor);
}
const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0
    ? null
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
};
const freeGpus = Object.values(nodesOf).reduce((a, n) => a + n * 8, 0);
// over the jobs that have a site (queued ones have none yet)
const sited = [...perSite.values()].reduce((a, n) => a + n, 0);
const spread = Object.fromEntries(
  Object.entries(nodesOf).map(([name, nodes]) => [
    name,
    Math.round(((perSite.get(name) ?? 0) / ((sited * nodes * 8) / freeGpus)) * 100) / 100,
  ]),
);
const figures = {
  jobs: JOBS,
  store: process.env['DATABASE_URL'] ? 'postgres' : 'pglite',
  concurrency: CONCURRENCY,
  failures,
  running: waits.length,
  submitSeconds: (submittedAt - startedAt) / 1000,
  submissionsPerSecond: Math.round(JOBS / ((submittedAt - startedAt) / 1000)),
  allRunningSecondsAfterLastSubmission: waits.length === JOBS ? (lastStart - submittedAt) / 1000 : null,
  startsPerSecond: Math.round(waits.length / ((lastStart - startedAt) / 1000)),
  submitToRunningP50Ms: quantile(waits, 0.5),
  submitToRunningP99Ms: quantile(waits, 0.99),
  spreadMaxOverShare: Math.max(...Object.values(spread)),
  spread,
  healthzP50Ms: quantile(health, 0.5),
  healthzP99Ms: quantile(health, 0.99),
  healthzMaxMs: quantile(health, 1),
  statuses: counts,
};
console.log(
  `bench:flow: ${figures.running}/${JOBS} running; ${figures.startsPerSecond} starts/s; submit→running p50 ${figures.submitToRunningP50Ms} ms, p99 ${figures.submitToRunningP99Ms} ms`,
);
console.log(`per site, jobs ÷ share of free GPUs: ${JSON.stringify(spread)}`);
console.log(
  `/healthz p50 ${figures.healthzP50Ms} ms, p99 ${figures.healthzP99Ms} ms, max ${figures.healthzMaxMs} ms`,
);
if (firstFailure) console.log(`first failure: ${firstFailure}`);
console.log(JSON.stringify(figures));
agent.destroy();
await factory.close();
rmSync(dataDir, { recursive: true, force: true });
