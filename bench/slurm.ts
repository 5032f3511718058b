// Slurm submission benchmark: job submissions per second through Usine's Slurm executor
// (launch: job dir, batch script, POST /job/submit to slurmrestd in the negotiated REST API
// version, submitted.json) against `sbatch` in a loop, on the same machine and cluster, side by
// side, and the submit → running latency of both. Each job is `true` on one node without GPUs;
// every job is cancelled at the end. The last line is one JSON object.
// Clusters: USINE_SLURM_ROOTS (`:`-separated folders of scripts/slurm/up.sh, as the tests read
// them: 22.05 and 24.11 in CI), each benched in turn; without it one cluster from USINE_SLURM_URL
// (default http://127.0.0.1:6820), USINE_SLURM_TOKEN_FILE or SLURM_CONF (a token is made with
// `scontrol token`), USINE_SLURM_WORK_DIR (default /tmp/usine-slurm/jobs), USINE_SLURM_PARTITION
// (default gpu).
// BENCH_JOBS (default 200) per mode and round; BENCH_CONCURRENCY (default 8) for the concurrent mode;
// BENCH_ROUNDS (default 3): the modes alternate, each mode's median is reported.
// BENCH_LATENCY_JOBS (default 20): jobs submitted one at a time, each timed until Slurm runs it.
// Then, once per cluster, end to end through an in-process `usine up` (HTTP API, reconciler,
// executor): BENCH_END_TO_END_JOBS (default 100) jobs of 1 GPU posted, timed until all have succeeded.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { LaunchRequest } from '../src/app/ports/executor.js';
import { readDocuments } from '../src/app/read-documents.js';
import { SlurmExecutor } from '../src/executors/slurm/slurm-executor.js';
import { startFactory } from '../src/server/start-factory.js';

const run = promisify(execFile);
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_JOBS = Number(process.env.BENCH_LATENCY_JOBS ?? 20);
const END_TO_END = Number(process.env.BENCH_END_TO_END_JOBS ?? 100);
const ROOT = process.env.SLURM_ROOT ?? '/tmp/usine-slurm';
const partition = process.env.USINE_SLURM_PARTITION ?? 'gpu';

/** One cluster to bench: its slurmrestd, a token, where jobs write, and its own commands. */
interface Cluster {
  readonly label: string;
  readonly url: string;
  readonly tokenFile: string;
  readonly workRoot: string;
  /** `sbatch`, `squeue`… of the cluster's version. */
  command(name: string): string;
  readonly env: NodeJS.ProcessEnv;
}

async function findClusters(): Promise<Cluster[]> {
  const roots = (process.env.USINE_SLURM_ROOTS ?? '').split(':').filter(Boolean);
  if (roots.length > 0)
    return roots.map((root) => ({
      label: readFileSync(join(root, 'version'), 'utf8').trim(),
      url: readFileSync(join(root, 'rest-url'), 'utf8').trim(),
      tokenFile: join(root, 'jwt'),
      workRoot: join(root, 'jobs'),
      command: (name) => join(root, 'bin', name),
      env: { ...process.env, SLURM_CONF: join(root, 'etc/slurm.conf') },
    }));
  const slurmConf =
    process.env.SLURM_CONF ??
    (existsSync(join(ROOT, 'etc/slurm.conf')) ? join(ROOT, 'etc/slurm.conf') : undefined);
  const env = { ...process.env, ...(slurmConf ? { SLURM_CONF: slurmConf } : {}) };
  let tokenFile = process.env.USINE_SLURM_TOKEN_FILE;
  if (!tokenFile) {
    const { stdout } = await run('scontrol', ['token', 'username=root', 'lifespan=3600'], { env });
    tokenFile = join(mkdtempSync(join(tmpdir(), 'usine-bench-token-')), 'jwt');
    writeFileSync(tokenFile, stdout.trim(), { mode: 0o600 });
  }
  return [
    {
      label: 'slurm',
      url: process.env.USINE_SLURM_URL ?? 'http://127.0.0.1:6820',
      tokenFile,
      workRoot: process.env.USINE_SLURM_WORK_DIR ?? join(ROOT, 'jobs'),
      command: (name) => name,
      env,
    },
  ];
}

function request(jobId: string): LaunchRequest {
  return {
    jobId,
    name: jobId,
    command: ['true'],
    image: undefined,
    env: {},
    allocation: { site: 'bench', nodes: [], virtual: false },
    maxDurationSeconds: 60,
    durationSeconds: 1,
  };
}

interface Figure {
  readonly mode: string;
  readonly jobs: number;
  readonly seconds: number;
  readonly perSecond: number;
}

function figure(mode: string, jobs: number, ms: number): Figure {
  const seconds = ms / 1000;
  return { mode, jobs, seconds: Number(seconds.toFixed(3)), perSecond: Number((jobs / seconds).toFixed(1)) };
}

async function timeUsine(executor: SlurmExecutor, prefix: string, concurrency: number): Promise<Figure> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < JOBS) {
      const i = next++;
      await executor.launch(request(`bench_${prefix}_${i}`));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return figure(`usine executor, ${concurrency} at a time`, JOBS, performance.now() - started);
}

/** `sbatch` of one `true` job; its Slurm job id. */
async function sbatch(cluster: Cluster, workDir: string, command = 'true'): Promise<string> {
  const { stdout } = await run(
    cluster.command('sbatch'),
    [
      '--parsable',
      '-J',
      'usine-bench-sbatch',
      '-p',
      partition,
      '-t',
      '2',
      '-o',
      join(workDir, 'sbatch-%j.out'),
      '--wrap',
      command,
    ],
    { env: cluster.env },
  );
  return stdout.trim();
}

async function timeSbatch(cluster: Cluster, workDir: string): Promise<Figure | undefined> {
  try {
    await run(cluster.command('sbatch'), ['--version'], { env: cluster.env });
  } catch {
    return undefined;
  }
  const started = performance.now();
  for (let i = 0; i < JOBS; i += 1) await sbatch(cluster, workDir);
  return figure('sbatch in a loop, 1 at a time', JOBS, performance.now() - started);
}

/**
 * Submit → running, one job at a time (a `sleep` that outlives the poll): Usine's `launch` then
 * `status` until running, against `sbatch` then `squeue` until `RUNNING`. The median in ms.
 */
async function timeLatency(
  cluster: Cluster,
  executor: SlurmExecutor,
  workDir: string,
): Promise<{ usineMs: number; sbatchMs: number }> {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const usine: number[] = [];
  const slurm: number[] = [];
  for (let i = 0; i < LATENCY_JOBS; i += 1) {
    let started = performance.now();
    const handle = await executor.launch({ ...request(`bench_latency_${i}`), command: ['sleep', '30'] });
    while ((await executor.status(handle)).state === 'pending') await sleep(10);
    usine.push(performance.now() - started);
    await executor.cancel(handle);
    started = performance.now();
    const id = await sbatch(cluster, workDir, 'sleep 30');
    for (;;) {
      const { stdout } = await run(cluster.command('squeue'), ['-h', '-j', id, '-o', '%T'], {
        env: cluster.env,
      });
      if (stdout.trim() !== 'PENDING') break;
      await sleep(10);
    }
    slurm.push(performance.now() - started);
    await run(cluster.command('scancel'), [id], { env: cluster.env });
  }
  return { usineMs: Math.round(median(usine)), sbatchMs: Math.round(median(slurm)) };
}

async function cancelAll(cluster: Cluster, executor: SlurmExecutor): Promise<void> {
  for (const handle of await executor.reconcile()) await executor.cancel(handle);
  await run(cluster.command('scancel'), ['-n', 'usine-bench-sbatch'], { env: cluster.env }).catch(
    () => undefined,
  );
}

/** POST /v1/jobs → placed → admitted → launched in Slurm → ran → succeeded, for every job. */
async function timeEndToEnd(cluster: Cluster): Promise<Figure> {
  const { url, tokenFile: token, workRoot } = cluster;
  const dataDir = mkdtempSync(join(tmpdir(), 'usine-bench-slurm-'));
  const workDir = mkdtempSync(join(workRoot, 'bench-e2e-'));
  const catalogText = `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Bench, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: hpc }
spec:
  provider: self
  location: { country: FR }
  pue: 1.2
  backend: { type: slurm, url: "${url}", partition: ${partition}, tokenFile: "${token}", user: root, workDir: "${workDir}" }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.00 EUR" }]
`;
  const set = readDocuments([{ name: 'catalog.yaml', text: catalogText }]);
  const factory = await startFactory({
    catalog: set.catalog,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    timeScale: 1,
    reconcileIntervalMs: 100,
    logger: false,
    rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
    version: 'bench',
  });
  const call = async (method: string, path: string, key: string, body?: string, idem?: string) => {
    const response = await fetch(new URL(path, factory.url), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': idem ? 'application/yaml' : 'application/json' } : {}),
        ...(idem ? { 'idempotency-key': idem } : {}),
      },
      ...(body ? { body } : {}),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  try {
    const admin = factory.adminKey ?? '';
    const tenant = (await call('POST', '/v1/tenants', admin, JSON.stringify({ name: 'bench' })))[
      'id'
    ] as string;
    const key = (await call('POST', `/v1/tenants/${tenant}/keys`, admin, JSON.stringify({ role: 'owner' })))[
      'key'
    ] as string;
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < END_TO_END; i += 1) {
      const yaml = `apiVersion: usine/v1
kind: Job
metadata: { name: bench-${i} }
spec:
  workload: train
  command: [/bin/true]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [hpc] }
`;
      ids.push((await call('POST', '/v1/jobs', key, yaml, `bench-${i}`))['id'] as string);
    }
    const pending = new Set(ids);
    while (pending.size > 0 && performance.now() - started < 600_000) {
      for (const id of [...pending]) {
        const job = await call('GET', `/v1/jobs/${id}`, key);
        const status = String(job['status']);
        if (!['succeeded', 'failed', 'cancelled', 'unplaceable'].includes(status)) continue;
        if (status !== 'succeeded') throw new Error(`${id} ended ${status}: ${String(job['reason'])}`);
        pending.delete(id);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return figure('usine up end to end, POST → succeeded', END_TO_END, performance.now() - started);
  } finally {
    await factory.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function benchCluster(cluster: Cluster) {
  mkdirSync(cluster.workRoot, { recursive: true });
  const workDir = mkdtempSync(join(cluster.workRoot, 'bench-'));
  const executor = new SlurmExecutor({
    url: cluster.url,
    user: 'root',
    tokenFile: cluster.tokenFile,
    partition,
    workDir,
  });
  await executor.ping();
  const api = (await executor.describeApi()).version;
  const rounds: Figure[][] = [];
  let latency: { usineMs: number; sbatchMs: number } | undefined;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const figures: Figure[] = [];
      figures.push(await timeUsine(executor, `seq${round}`, 1));
      await cancelAll(cluster, executor);
      figures.push(await timeUsine(executor, `par${round}`, CONCURRENCY));
      await cancelAll(cluster, executor);
      const sbatchFigure = await timeSbatch(cluster, workDir);
      if (sbatchFigure) figures.push(sbatchFigure);
      await cancelAll(cluster, executor);
      rounds.push(figures);
    }
    if (LATENCY_JOBS > 0) latency = await timeLatency(cluster, executor, workDir);
  } finally {
    await cancelAll(cluster, executor);
    await executor.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  const endToEnd = END_TO_END > 0 ? await timeEndToEnd(cluster) : undefined;
  const modes = (rounds[0] ?? []).map((f) => f.mode);
  const summary = modes.map((mode) => {
    const rates = rounds.map((r) => r.find((f) => f.mode === mode)?.perSecond ?? 0).sort((x, y) => x - y);
    return { mode, medianPerSecond: rates[Math.floor(rates.length / 2)] ?? 0, perSecond: rates };
  });
  const rate = (mode: string) => summary.find((m) => m.mode.startsWith(mode))?.medianPerSecond ?? 0;
  const sbatchRate = rate('sbatch');
  const ratio = sbatchRate > 0 ? Number((rate('usine executor, 1') / sbatchRate).toFixed(2)) : null;
  console.log(
    `Slurm ${cluster.label} (${cluster.url}, REST ${api}): ${JOBS} jobs per mode and round, ${ROUNDS} rounds (\`true\`, 1 node, no GPU), ${cpus().length} cores`,
  );
  for (const m of summary)
    console.log(
      `  ${m.mode.padEnd(34)} median ${String(m.medianPerSecond).padStart(7)} jobs/s  (rounds: ${m.perSecond.join(', ')})`,
    );
  if (ratio !== null)
    console.log(`  ${'usine 1 at a time / sbatch'.padEnd(34)} ${String(ratio).padStart(14)}×`);
  if (latency)
    console.log(
      `  ${'submit → running, median'.padEnd(34)} usine ${latency.usineMs} ms, sbatch+squeue ${latency.sbatchMs} ms (${LATENCY_JOBS} jobs)`,
    );
  if (endToEnd)
    console.log(
      `  ${endToEnd.mode.padEnd(34)} ${String(endToEnd.perSecond).padStart(7)} jobs/s  (${endToEnd.jobs} jobs, ${endToEnd.seconds} s)`,
    );
  return {
    cluster: cluster.label,
    url: cluster.url,
    api,
    modes: summary,
    usineOverSbatch: ratio,
    latency,
    endToEnd,
  };
}

async function main(): Promise<void> {
  const results = [];
  for (const cluster of await findClusters()) results.push(await benchCluster(cluster));
  console.log(
    JSON.stringify({ bench: 'slurm', jobs: JOBS, rounds: ROUNDS, cores: cpus().length, clusters: results }),
  );
}

await main();
