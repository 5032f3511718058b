import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { SlurmExecutor, type SlurmExecutorOptions } from '../../src/executors/slurm/slurm-executor.js';
import type { ContractSubject } from './executor-contract.js';

/**
 * One test Slurm. `USINE_SLURM_ROOTS` (set by `.ci/run`) lists the folders of clusters started by
 * `scripts/slurm/up.sh`, `:`-separated: each has `rest-url`, `version`, `jwt`, `etc/slurm.conf`,
 * `log/jobcomp.txt`, `jobs/` and `bin/` (Slurm's commands of that cluster's version). Without it:
 * one cluster from `USINE_SLURM_URL`, `USINE_SLURM_TOKEN_FILE`, `USINE_SLURM_WORK_DIR`,
 * `USINE_SLURM_COMPLETION_FILE`, or the defaults of `../shared/slurm/slurm-up.sh` with
 * `SLURM_ROOT=/tmp/usine-slurm` (a token is made with `scontrol token`).
 */
export interface TestSlurm {
  /** `22.05.8`, or `slurm` when unknown: names the cluster's tests. */
  readonly label: string;
  readonly url: string;
  readonly tokenFile: string;
  readonly workRoot: string;
  readonly completionFile: string | undefined;
  readonly slurmConf: string | undefined;
  readonly partition: string;
  /** Where this cluster's `scontrol`, `squeue`, `sinfo`… are ('' : on the PATH). */
  readonly bin: string;
}

const ROOT = process.env.SLURM_ROOT ?? '/tmp/usine-slurm';

async function isAnswering(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/openapi/v3', url), { signal: AbortSignal.timeout(2000) });
    return response.status === 401 || response.status === 200 || response.status === 500;
  } catch {
    return false;
  }
}

/**
 * A Slurm suite that cannot run here: a banner, and one skipped test that says why. Never in CI:
 * there `USINE_SLURM_REQUIRED=1` turns the reason into a failure before this is reached.
 */
export function skipSlurmSuite(what: string, why: string): void {
  console.warn(`\n*** SKIPPING ${what}: ${why}\n`);
  describe.skip(`${what} (skipped: ${why})`, () => {
    it('needs Slurm', () => undefined);
  });
}

/** The test Slurms, or the reason the Slurm tests are skipped. */
export async function findTestSlurms(): Promise<TestSlurm[] | string> {
  const roots = (process.env.USINE_SLURM_ROOTS ?? '').split(':').filter(Boolean);
  const found = roots.length > 0 ? roots.map(readClusterRoot) : [await findLegacyTestSlurm()];
  const why: string[] = [];
  const clusters: TestSlurm[] = [];
  for (const slurm of found) {
    if (typeof slurm !== 'string' && !(await isAnswering(slurm.url)))
      why.push(`no slurmrestd at ${slurm.url} (${slurm.label})`);
    else if (typeof slurm === 'string') why.push(slurm);
    else clusters.push(slurm);
  }
  if (why.length > 0 && process.env.USINE_SLURM_REQUIRED === '1')
    throw new Error(`USINE_SLURM_REQUIRED=1 but ${why.join('; ')}`);
  return clusters.length > 0 ? clusters : why.join('; ');
}

/** A cluster folder of `scripts/slurm/up.sh`. */
function readClusterRoot(root: string): TestSlurm | string {
  const read = (name: string) => {
    try {
      return readFileSync(join(root, name), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const url = read('rest-url');
  if (!url) return `no ${join(root, 'rest-url')}: start the cluster with scripts/slurm/up.sh`;
  return {
    label: read('version') ?? 'slurm',
    url,
    tokenFile: join(root, 'jwt'),
    workRoot: join(root, 'jobs'),
    completionFile: join(root, 'log/jobcomp.txt'),
    slurmConf: join(root, 'etc/slurm.conf'),
    partition: 'gpu',
    bin: join(root, 'bin'),
  };
}

async function findLegacyTestSlurm(): Promise<TestSlurm | string> {
  const url = process.env.USINE_SLURM_URL ?? 'http://127.0.0.1:6820';
  if (!(await isAnswering(url)))
    return `no slurmrestd at ${url} (start one: SLURM_ROOT=/tmp/usine-slurm bash scripts/slurm/up.sh, and set USINE_SLURM_ROOTS=/tmp/usine-slurm)`;
  const slurmConf =
    process.env.SLURM_CONF ??
    (existsSync(join(ROOT, 'etc/slurm.conf')) ? join(ROOT, 'etc/slurm.conf') : undefined);
  let tokenFile = process.env.USINE_SLURM_TOKEN_FILE;
  if (!tokenFile) {
    if (!slurmConf)
      return `slurmrestd at ${url} but no USINE_SLURM_TOKEN_FILE and no SLURM_CONF to make a token`;
    const out = execFileSync('scontrol', ['token', 'username=root', 'lifespan=7200'], {
      env: { ...process.env, SLURM_CONF: slurmConf },
      encoding: 'utf8',
    });
    tokenFile = join(mkdtempSync(join(tmpdir(), 'usine-slurm-token-')), 'jwt');
    writeFileSync(tokenFile, out.trim(), { mode: 0o600 });
  }
  const completion = process.env.USINE_SLURM_COMPLETION_FILE ?? join(ROOT, 'log/jobcomp.txt');
  return {
    label: 'slurm',
    url,
    tokenFile,
    workRoot: process.env.USINE_SLURM_WORK_DIR ?? join(ROOT, 'jobs'),
    completionFile:
      existsSync(completion) || process.env.USINE_SLURM_COMPLETION_FILE ? completion : undefined,
    slurmConf,
    partition: process.env.USINE_SLURM_PARTITION ?? 'gpu',
    bin: '',
  };
}

/** Runs one of the cluster's own Slurm commands (`scontrol`, `squeue`…) with its `SLURM_CONF`. */
export function slurmCommand(slurm: TestSlurm, command: string, args: readonly string[]): string {
  return execFileSync(slurm.bin ? join(slurm.bin, command) : command, args, {
    env: { ...process.env, ...(slurm.slurmConf ? { SLURM_CONF: slurm.slurmConf } : {}) },
    encoding: 'utf8',
  });
}

/** A fresh work dir under the cluster's shared jobs folder (writable by the job's user). */
export function makeSlurmWorkDir(slurm: TestSlurm): string {
  mkdirSync(slurm.workRoot, { recursive: true });
  return mkdtempSync(join(slurm.workRoot, 'test-'));
}

export function makeSlurmExecutor(
  slurm: TestSlurm,
  workDir: string,
  options: Partial<SlurmExecutorOptions> = {},
): SlurmExecutor {
  return new SlurmExecutor({
    url: slurm.url,
    user: 'root',
    tokenFile: slurm.tokenFile,
    partition: slurm.partition,
    workDir,
    completionFile: slurm.completionFile,
    gpuMemoryGiB: { H100: 80 },
    pollIntervalMs: 50,
    startWaitMs: 5000,
    graceSeconds: 1,
    ...options,
  });
}

/** Cancels whatever this work dir's jobs still run in Slurm, and removes the dir. */
export async function cleanSlurmWorkDir(slurm: TestSlurm, workDir: string): Promise<void> {
  const executor = makeSlurmExecutor(slurm, workDir);
  for (const handle of await executor.reconcile()) await executor.cancel(handle);
  await executor.close();
  // a cancelled job's script may still be writing its exit record: retry while the dir fills
  rmSync(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

/**
 * The contract's jobs as the cluster's own shell runs them: a Slurm node has no Node.js of ours
 * (the 24.11 cluster's nodes run in a Debian 13 root).
 */
const SHELL_JOBS: Pick<ContractSubject, 'printing' | 'exiting' | 'runningFor'> = {
  printing: (text) => ({ command: ['/bin/echo', text], env: {}, durationSeconds: 1 }),
  exiting: (code) => ({ command: ['/bin/sh', '-c', `exit ${code}`], env: {}, durationSeconds: 1 }),
  runningFor: (seconds) => ({ command: ['/bin/sleep', String(seconds)], env: {}, durationSeconds: seconds }),
};

export function makeSlurmSubject(slurm: TestSlurm): () => Promise<ContractSubject> {
  return async () => {
    const workDir = makeSlurmWorkDir(slurm);
    const executor = makeSlurmExecutor(slurm, workDir);
    return {
      executor,
      unknownHandle: 'slurm:99999999:job_never_launched',
      passTime: (ms) => sleep(Math.max(ms, 100)),
      ...SHELL_JOBS,
      dispose: async () => {
        await executor.close();
        await cleanSlurmWorkDir(slurm, workDir);
      },
    };
  };
}

/** A catalog with one Slurm site, `hpc` (4 × 8 H100), on the test cluster. */
export function slurmCatalog(slurm: TestSlurm, workDir: string): string {
  return `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Test Org, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: hpc }
spec:
  provider: self
  location: { country: FR }
  pue: 1.2
  backend: { type: slurm, url: "${slurm.url}", partition: ${slurm.partition}, tokenFile: "${slurm.tokenFile}", user: root, workDir: "${workDir}"${slurm.completionFile ? `, completionFile: "${slurm.completionFile}"` : ''} }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.00 EUR" }]
`;
}

/** A job for the `hpc` site of `slurmCatalog`: says `started`, sleeps, says `trained`. */
export function slurmJob(name: string, sleepSeconds: number, resources = '{ gpus: 2 }'): string {
  return `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: train
  command: [/bin/bash, -c, 'echo started; sleep ${sleepSeconds}; echo trained']
  resources: ${resources}
  duration: 10m
  placement: { sites: [hpc] }
`;
}
