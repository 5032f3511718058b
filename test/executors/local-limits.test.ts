import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalExecutor } from '../../src/executors/local/local-executor.js';
import { detectCgroups } from '../../src/executors/local/job-cgroups.js';
import type { JobSpecFile } from '../../src/executors/local/job-files.js';
import { buildRequest, readAllLogs, waitForFinalStatus } from './executor-contract.js';
import { cleanWorkDir, makeLocalExecutor, makeWorkDir, runNode } from './local-subject.js';

const support = await detectCgroups();
const hasCgroups = !('unavailable' in support);
if (!hasCgroups) {
  console.warn(`\n*** local-limits.test.ts: no cgroups to use here (${support.unavailable}): skipped ***\n`);
}

const passTime = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const job = (command: string[]) => ({ command, env: {}, durationSeconds: 1 });
const MiB = 2 ** 20;

describe.skipIf(!hasCgroups)('local executor: a job is held to its limits by cgroups of its own', () => {
  let workDir: string;
  let executor: LocalExecutor;
  beforeAll(async () => {
    workDir = await makeWorkDir();
    executor = makeLocalExecutor(workDir, { pidsLimit: 48 });
  });
  afterAll(async () => {
    await executor.close();
    await cleanWorkDir(workDir);
  });

  async function readSpec(jobId: string): Promise<JobSpecFile> {
    return JSON.parse(await readFile(join(workDir, 'jobs', jobId, 'spec.json'), 'utf8')) as JobSpecFile;
  }

  it('kills a job that allocates past its memory limit and says it ran out of memory', async () => {
    // touches 1 MiB after another, up to 1 GiB, printing how far it got
    const hog = `const kept = []; for (let i = 1; i <= 1024; i++) { kept.push(Buffer.alloc(${MiB}, 1)); if (i % 32 === 0) console.log(i + ' MiB'); }`;
    const handle = await executor.launch(
      buildRequest('job_hog', job(runNode(hog)), { limits: { memoryBytes: 128 * MiB } }),
    );
    const status = await waitForFinalStatus({ executor, passTime }, handle, 1000);
    const output = await readAllLogs(executor, handle);
    expect(status.state, output).toBe('failed');
    expect(status.reason).toBe(
      'out of memory: the kernel killed 1 of its processes at its memory limit of 128 MiB (killed by SIGKILL)',
    );
    expect(output).not.toMatch(/1024 MiB/);
  });

  it('refuses the forks of a fork bomb past its pids limit, and leaves none of them behind', async () => {
    const bomb = `i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i + 1)); done; wait`;
    const handle = await executor.launch(
      buildRequest(
        'job_bomb',
        { ...job(['sh', '-c', bomb]), durationSeconds: 30 },
        { maxDurationSeconds: 20 },
      ),
    );
    const status = await waitForFinalStatus({ executor, passTime }, handle, 2000);
    const output = await readAllLogs(executor, handle);
    expect(status.state, output).toBe('failed');
    expect(status.reason).toMatch(/^\d+ forks refused at its limit of 48 processes and threads \(/);
    expect(output).toMatch(/fork/i);
    const spec = await readSpec('job_bomb');
    for (const dir of spec.cgroup?.dirs ?? []) expect(existsSync(dir)).toBe(false);
  });

  it('writes the CPU quota and the pids limit into the job’s cgroups', async () => {
    const handle = await executor.launch(
      buildRequest('job_quota', job(runNode('setTimeout(() => {}, 2000)')), { limits: { cpus: 1.5 } }),
    );
    const spec = await readSpec('job_quota');
    const read = async (name: string) => {
      for (const dir of spec.cgroup?.dirs ?? []) {
        if (existsSync(join(dir, name))) return (await readFile(join(dir, name), 'utf8')).trim();
      }
      return undefined;
    };
    if (spec.cgroup?.version === 2) {
      expect(await read('cpu.max')).toBe('150000 100000');
    } else {
      expect(await read('cpu.cfs_quota_us')).toBe('150000');
    }
    expect(await read('pids.max')).toBe('48');
    await executor.cancel(handle);
    await waitForFinalStatus({ executor, passTime }, handle);
  });
});
