// API benchmark: sustained job submissions through a real `usine up` process. Starts the server
// on a fresh data dir (and, for PostgreSQL, a throw-away database), creates a tenant and an owner
// key, then N keep-alive clients in this process POST /v1/jobs (YAML, a new Idempotency-Key each)
// for a fixed time after a warm-up. Every submission is validated, placed (at submission, with the
// load the reconciler last measured; queued for the reconciler when that measure is older than
// 30 s) and persisted with its events and audit entries, as in production; every answer must be
// a 201. The figures count the answers that came back already placed.
// The server's rate limits per key and per tenant are lifted (USINE_RATE_*, USINE_TENANT_RATE_*)
// for the run.
// Prints figures per store, with the CPU each party spends per submission (server, this load
// generator, PostgreSQL's backends): on a shared machine steadier than throughput. The last
// line is one JSON object.
// Env: BENCH_STORE (pglite | postgres; default both, postgres when reachable),
//      DATABASE_URL or TEST_DATABASE_URL (the server to create the throw-away database on),
//      BENCH_CONCURRENCY (32), BENCH_DURATION_S (15), BENCH_WARMUP_S (3),
//      BENCH_CPU_PROF (a directory: the server runs with --cpu-prof and writes its profile there).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { spawnUsine, type SpawnedUsine } from '../test/support/spawn-usine.js';

type StoreKind = 'pglite' | 'postgres';

interface RunFigures {
  readonly store: StoreKind;
  readonly submissionsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly submissions: number;
  readonly non201: number;
  readonly concurrency: number;
  readonly durationSeconds: number;
  /** Jobs the reconciler placed, and passes it ran, while the load ran (from /metrics). */
  readonly placedDuringRun: number;
  /** Measured answers that came back already placed (the rest were left to the reconciler). */
  readonly placedAtSubmission: number;
  readonly reconcilePasses: number;
  /**
   * CPU time (user + system) of the server process per submission during the measured window,
   * from /proc (Linux only): steadier than throughput on a machine shared with other work.
   */
  readonly serverCpuMsPerSubmission: number | null;
  /** The same for this process (the load generator), and for PostgreSQL's backends serving the
   * benchmark's database (postgres only; its shared WAL writer and checkpointer not counted). */
  readonly loadGeneratorCpuMsPerSubmission: number;
  readonly databaseCpuMsPerSubmission: number | null;
  /** Transactions committed in the benchmark's database per submission (postgres only). */
  readonly commitsPerSubmission: number | null;
}

/** CPU used so far (ms) by each party, and the database's commit count. */
interface CpuSnapshot {
  readonly server: number | null;
  readonly loadGenerator: number;
  /** Per backend pid: a backend that started or ended within the window is left out. */
  readonly database: ReadonlyMap<number, number> | null;
  readonly commits: number | null;
}

const concurrency = positive('BENCH_CONCURRENCY', 32);
const durationSeconds = positive('BENCH_DURATION_S', 15);
const warmupSeconds = positive('BENCH_WARMUP_S', 3, true);
const cpuProfileDir = process.env['BENCH_CPU_PROF'];
const postgresUrl = process.env['DATABASE_URL'] || process.env['TEST_DATABASE_URL'] || undefined;

/** One simulated French site of 4 × 8 H100, an hour of job time in a second. */
const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: bench }
spec: { legalName: Bench Org, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: sim-paris }
spec:
  provider: bench
  location: { country: FR }
  certifications: [{ name: HDS }]
  pue: 1.3
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.50 EUR" }]
`;

const specFor = (i: number): string => `apiVersion: usine/v1
kind: Job
metadata:
  name: bench-${i}
  labels: { team: vision }
spec:
  workload: train
  command: [python, train.py]
  resources: { gpus: 1 }
  duration: 10m
  placement: { sites: [sim-paris] }
`;

const stores = await chooseStores();
const results: RunFigures[] = [];
for (const store of stores) {
  const figures = await runBench(store);
  results.push(figures);
  process.stdout.write(
    `${store}: ${figures.submissionsPerSecond} submissions/s over ${durationSeconds} s with ${concurrency} clients; ` +
      `p50 ${figures.p50Ms} ms, p90 ${figures.p90Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms; ` +
      `CPU per submission: server ${figures.serverCpuMsPerSubmission ?? '?'} ms, ` +
      `load generator ${figures.loadGeneratorCpuMsPerSubmission} ms, ` +
      `PostgreSQL ${figures.databaseCpuMsPerSubmission ?? '(in the server)'} ms; ` +
      (figures.commitsPerSubmission === null
        ? ''
        : `${figures.commitsPerSubmission} commits per submission; `) +
      `${figures.non201} answers other than 201; ${figures.placedAtSubmission} answered already placed; ` +
      `the reconciler placed ${figures.placedDuringRun} jobs in ` +
      `${figures.reconcilePasses} passes meanwhile\n`,
  );
}
const failed = results.some((r) => r.non201 > 0);
const postgres = results.find((r) => r.store === 'postgres');
const embedded = results.find((r) => r.store === 'pglite');
const summary = postgres && embedded ? { ...postgres, embedded } : (postgres ?? embedded);
process.stdout.write(`${JSON.stringify(summary)}\n`);
if (failed) process.exitCode = 1;

async function chooseStores(): Promise<StoreKind[]> {
  const wanted = process.env['BENCH_STORE'];
  if (wanted === 'pglite') return ['pglite'];
  if (wanted === 'postgres') {
    if (!postgresUrl) throw new Error('BENCH_STORE=postgres needs DATABASE_URL or TEST_DATABASE_URL');
    return ['postgres'];
  }
  if (wanted !== undefined && wanted !== '')
    throw new Error(`BENCH_STORE=${wanted}: must be pglite or postgres`);
  if (postgresUrl && (await isReachable(postgresUrl))) return ['pglite', 'postgres'];
  process.stderr.write('bench: PostgreSQL not reachable (DATABASE_URL, TEST_DATABASE_URL): PGlite only\n');
  return ['pglite'];
}

async function runBench(store: StoreKind): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usine-bench-'));
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let server: { child: ChildProcess; url: string } | undefined;
  let observer: pg.Client | undefined;
  try {
    const catalog = join(dataDir, 'catalog.yaml');
    writeFileSync(catalog, CATALOG);
    if (store === 'postgres') database = await createDatabase(postgresUrl as string);
    const running = await startUsine(dataDir, catalog, database?.url);
    server = running;
    if (database) {
      observer = new pg.Client({ connectionString: database.url });
      await observer.connect();
    }
    const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const call = (method: string, path: string, key: string, body: string, headers = {}) =>
      send(agent, new URL(path, running.url), method, { authorization: `Bearer ${key}`, ...headers }, body);
    const tenant = await call('POST', '/v1/tenants', admin, JSON.stringify({ name: 'bench' }), {
      'content-type': 'application/json',
    });
    const tenantId = (JSON.parse(tenant.body) as { id: string }).id;
    const created = await call(
      'POST',
      `/v1/tenants/${tenantId}/keys`,
      admin,
      JSON.stringify({ role: 'owner' }),
      { 'content-type': 'application/json' },
    );
    const key = (JSON.parse(created.body) as { key: string }).key;

    const run = randomBytes(4).toString('hex');
    let next = 0;
    const latencies: number[] = [];
    let non201 = 0;
    let placedAtSubmission = 0;
    let firstProblem: string | undefined;
    const started = performance.now();
    const measureFrom = started + warmupSeconds * 1000;
    const end = measureFrom + durationSeconds * 1000;
    const snapshot = () => readCpu(running.child.pid, observer);
    // at the window's edges, even if the clients' last answers come in before the timer fires
    const snapshotAt = (at: number) =>
      new Promise<void>((resolveAt) => setTimeout(resolveAt, at - performance.now())).then(snapshot);
    const cpuAtStart = snapshotAt(measureFrom);
    const cpuAtEnd = snapshotAt(end);
    const client = async (): Promise<void> => {
      while (performance.now() < end) {
        const i = next++;
        const sent = performance.now();
        const answer = await call('POST', '/v1/jobs', key, specFor(i), {
          'content-type': 'application/yaml',
          'idempotency-key': `bench-${run}-${i}`,
        });
        const done = performance.now();
        if (answer.status !== 201) {
          non201++; // warm-up included: every answer must be a 201
          firstProblem ??= `${answer.status} ${answer.body.slice(0, 300)}`;
        } else if (sent >= measureFrom && done <= end) {
          latencies.push(done - sent);
          if (answer.body.includes('"status":"placed"')) placedAtSubmission++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const metrics = (await send(agent, new URL('/metrics', running.url), 'GET', {}, '')).body;
    agent.destroy();
    if (firstProblem) process.stderr.write(`bench: ${store}: first answer other than 201: ${firstProblem}\n`);
    latencies.sort((a, b) => a - b);
    const [before, after] = [await cpuAtStart, await cpuAtEnd];
    const perSubmission = (pick: (c: CpuSnapshot) => number | null): number | null => {
      const [from, to] = [pick(before), pick(after)];
      return from == null || to == null || latencies.length === 0
        ? null
        : Math.round(((to - from) / latencies.length) * 1000) / 1000;
    };
    return {
      store,
      submissionsPerSecond: Math.round(latencies.length / durationSeconds),
      p50Ms: round(quantile(latencies, 0.5)),
      p90Ms: round(quantile(latencies, 0.9)),
      p99Ms: round(quantile(latencies, 0.99)),
      maxMs: round(latencies.at(-1) ?? 0),
      submissions: latencies.length,
      non201,
      concurrency,
      durationSeconds,
      placedDuringRun: readMetric(metrics, 'usine_job_transitions_total{step="placed"}'),
      placedAtSubmission,
      reconcilePasses: readMetric(metrics, 'usine_reconcile_seconds_count'),
      serverCpuMsPerSubmission: perSubmission((c) => c.server),
      loadGeneratorCpuMsPerSubmission: perSubmission((c) => c.loadGenerator) ?? 0,
      databaseCpuMsPerSubmission: perSubmission((c) => {
        // the backends present at both ends, measured from the start
        if (!c.database || !before.database || !after.database) return null;
        let sum = 0;
        for (const [pid, ms] of c.database) {
          if (before.database.has(pid) && after.database.has(pid)) sum += ms;
        }
        return sum;
      }),
      commitsPerSubmission: perSubmission((c) => c.commits),
    };
  } finally {
    await observer?.end();
    if (server) await stopUsine(server.child);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts `usine up` as a user would (through tsx, as `npm run usine`); resolves with its URL. */
function startUsine(
  dataDir: string,
  catalog: string,
  databaseUrl: string | undefined,
): Promise<SpawnedUsine> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    USINE_RATE_LIMIT: '1000000',
    USINE_RATE_BURST: '1000000',
    USINE_TENANT_RATE_LIMIT: '1000000',
    USINE_TENANT_RATE_BURST: '1000000',
  };
  delete env['DATABASE_URL'];
  if (databaseUrl) env['DATABASE_URL'] = databaseUrl;
  return spawnUsine({
    dataDir,
    catalog,
    env,
    logLevel: 'warn',
    nodeArgs: cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProfileDir)] : [],
    // forwarded rather than inherited, so nothing of the server's lands after the JSON line
    onStderr: (chunk) => process.stderr.write(chunk),
  });
}

async function stopUsine(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  await exited;
}

function send(
  agent: Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A new database on the server of `url`, so runs never accumulate; dropped afterwards. */
async function createDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `usine_bench_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE DATABASE ${name}`));
  const own = new URL(url);
  own.pathname = `/${name}`;
  own.searchParams.delete('options');
  return {
    url: own.toString(),
    drop: async () => {
      await withClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function isReachable(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * CPU so far of the server, of this process and of the PostgreSQL backends connected to the
 * benchmark's database (found through `observer`, whose own backend is left out).
 */
async function readCpu(serverPid: number | undefined, observer: pg.Client | undefined): Promise<CpuSnapshot> {
  const usage = process.cpuUsage();
  const loadGenerator = (usage.user + usage.system) / 1000;
  const server = readCpuMs(serverPid);
  if (!observer) return { server, loadGenerator, database: null, commits: null };
  const { rows } = await observer.query<{ pid: number; commits: string }>(
    `SELECT a.pid, d.xact_commit AS commits FROM pg_stat_activity a
     JOIN pg_stat_database d ON d.datname = a.datname
     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`,
  );
  const database = new Map(rows.map((row) => [row.pid, readCpuMs(row.pid) ?? 0]));
  return { server, loadGenerator, database, commits: rows[0] ? Number(rows[0].commits) : null };
}

/** utime + stime of a process in ms, from /proc/PID/stat (clock ticks of 10 ms). */
function readCpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function readMetric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function positive(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed))
    throw new Error(`${name}=${raw}: must be a positive number`);
  return value;
}
