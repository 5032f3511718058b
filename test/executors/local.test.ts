import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/app/ports/executor.js';
import type { LocalExecutor } from '../../src/executors/local/local-executor.js';
import { identifyProcess, isProcessAlive } from '../../src/executors/local/process-identity.js';
import {
  buildRequest,
  describeExecutorContract,
  readAllLogs,
  waitForFinalStatus,
} from './executor-contract.js';
import { cleanWorkDir, makeLocalExecutor, makeLocalSubject, makeWorkDir, runNode } from './local-subject.js';

describeExecutorContract('local', makeLocalSubject);

const passTime = (ms: number) => sleep(ms);
const job = (command: string[]) => ({ command, env: {}, durationSeconds: 1 });

async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(20);
  }
  throw new Error('gave up waiting');
}

/** Waits for one of the job's files (written by the wrapper, so maybe not yet there) and reads it. */
async function readJobFile<T>(file: string): Promise<T> {
  return waitFor(async () =>
    existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as T) : undefined,
  );
}

async function finish(executor: Executor, handle: string) {
  return waitForFinalStatus({ executor, passTime }, handle);
}

describe('local executor', () => {
  let workDir: string;
  let executor: LocalExecutor;
  beforeEach(async () => {
    workDir = await makeWorkDir();
    executor = makeLocalExecutor(workDir, { graceSeconds: 0.3 });
  });
  afterEach(async () => {
    await executor.close();
    await cleanWorkDir(workDir);
  });

  it('sets CUDA_VISIBLE_DEVICES to the allocated GPUs and USINE_JOB_ID to the job', async () => {
    const print = job(runNode('console.log(process.env.CUDA_VISIBLE_DEVICES, process.env.USINE_JOB_ID)'));
    const allocation = {
      site: 'local',
      nodes: [{ node: 'n', gpuIndices: [1, 3], milliGpus: 0 }],
      virtual: true,
    };
    const handle = await executor.launch(buildRequest('job_gpus', print, { allocation }));
    await finish(executor, handle);
    expect(await readAllLogs(executor, handle)).toBe('1,3 job_gpus\n');
  });

  it('shows a job holding a fraction of a GPU that one GPU', async () => {
    const print = job(runNode('console.log(process.env.CUDA_VISIBLE_DEVICES)'));
    const allocation = {
      site: 'local',
      nodes: [{ node: 'n', gpuIndices: [2], milliGpus: 500 }],
      virtual: true,
    };
    const handle = await executor.launch(buildRequest('job_fraction', print, { allocation }));
    await finish(executor, handle);
    expect(await readAllLogs(executor, handle)).toBe('2\n');
  });

  it('passes the job its own environment but not Usine’s secrets', async () => {
    process.env.USINE_TEST_SECRET = 'hunter2';
    const print = job(runNode('console.log(process.env.GREETING, process.env.USINE_TEST_SECRET)'));
    const handle = await executor.launch(buildRequest('job_env', { ...print, env: { GREETING: 'bonjour' } }));
    await finish(executor, handle);
    delete process.env.USINE_TEST_SECRET;
    expect(await readAllLogs(executor, handle)).toBe('bonjour undefined\n');
  });

  it('kills the whole process tree on cancel', async () => {
    const script = `const c = require('node:child_process').spawn('sleep', ['30'], { stdio: 'ignore' });
      console.log(c.pid); setInterval(() => {}, 1000);`;
    const handle = await executor.launch(buildRequest('job_tree', job(runNode(script))));
    const pid = await waitFor(async () => Number((await readAllLogs(executor, handle)).trim()) || undefined);
    const grandchild = await identifyProcess(pid);
    expect(await isProcessAlive(grandchild)).toBe(true);
    await executor.cancel(handle);
    expect((await finish(executor, handle)).state).toBe('cancelled');
    await waitFor(async () => ((await isProcessAlive(grandchild)) ? undefined : true));
  });

  it('kills a job that ignores SIGTERM once the grace period is over', async () => {
    const script = `process.on('SIGTERM', () => console.log('not yet')); console.log('ready'); setInterval(() => {}, 1000);`;
    const handle = await executor.launch(buildRequest('job_stubborn', job(runNode(script))));
    await waitFor(async () => ((await readAllLogs(executor, handle)).includes('ready') ? true : undefined));
    await executor.cancel(handle);
    expect(await finish(executor, handle)).toMatchObject({
      state: 'cancelled',
      reason: 'cancelled (killed by SIGKILL)',
    });
    expect(await readAllLogs(executor, handle)).toContain('not yet');
  });

  it('fails a command that cannot start, saying why', async () => {
    const handle = await executor.launch(buildRequest('job_enoent', job(['usine-no-such-program'])));
    const status = await finish(executor, handle);
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'cannot start "usine-no-such-program": no such file',
    });
  });

  it('refuses a container image without a command, saying it runs no containers', async () => {
    const request = buildRequest(
      'job_image',
      { command: [], env: {}, durationSeconds: 1 },
      { image: 'pytorch:2' },
    );
    await expect(executor.launch(request)).rejects.toThrow(/cannot run container images/);
  });

  it('starts a job launched twice at once only once', async () => {
    const request = buildRequest('job_once', job(runNode(`console.log('ran')`)));
    const handles = await Promise.all([executor.launch(request), executor.launch(request)]);
    expect(handles[0]).toBe(handles[1]);
    await finish(executor, handles[0]);
    expect(await readAllLogs(executor, handles[0])).toBe('ran\n');
  });

  it('streams logs as they come and ends when the job ends', async () => {
    const script = `let i = 0; const t = setInterval(() => { console.log('tick ' + ++i); if (i === 3) clearInterval(t); }, 150);`;
    const handle = await executor.launch(buildRequest('job_follow', job(runNode(script))));
    const chunks: string[] = [];
    const statesAtChunks: string[] = [];
    for await (const chunk of executor.logs(handle, { offset: 0, follow: true })) {
      chunks.push(chunk);
      statesAtChunks.push((await executor.status(handle)).state);
    }
    expect(chunks.join('')).toBe('tick 1\ntick 2\ntick 3\n');
    expect(statesAtChunks[0]).toBe('running');
    expect((await executor.status(handle)).state).toBe('succeeded');
  });

  it('reads the logs from a byte offset', async () => {
    const handle = await executor.launch(
      buildRequest('job_offset', job(runNode(`console.log('héllo wörld')`))),
    );
    await finish(executor, handle);
    let text = '';
    for await (const chunk of executor.logs(handle, { offset: Buffer.byteLength('héllo '), follow: false })) {
      text += chunk;
    }
    expect(text).toBe('wörld\n');
  });

  describe('after a restart of Usine', () => {
    it('reports a job that finished meanwhile with its exit code', async () => {
      const script = `setTimeout(() => process.exit(7), 200)`;
      const handle = await executor.launch(buildRequest('job_meanwhile', job(runNode(script))));
      await executor.close();
      await sleep(400);
      const restarted = makeLocalExecutor(workDir);
      expect(await finish(restarted, handle)).toMatchObject({
        state: 'failed',
        exitCode: 7,
        reason: 'exit code 7',
      });
    });

    it('still enforces the time limit while no executor watches', async () => {
      const sleeper = job(runNode('setInterval(() => {}, 1000)'));
      const handle = await executor.launch(
        buildRequest('job_unwatched', sleeper, { maxDurationSeconds: 0.2 }),
      );
      await executor.close();
      await sleep(500);
      const restarted = makeLocalExecutor(workDir);
      expect(await restarted.status(handle)).toMatchObject({
        state: 'failed',
        reason: 'time limit 0.2s reached',
      });
    });

    it('adopts a job still running: lists it, and can cancel it', async () => {
      const handle = await executor.launch(
        buildRequest('job_adopted', job(runNode('setInterval(() => {}, 1000)'))),
      );
      await executor.close();
      const restarted = makeLocalExecutor(workDir, { graceSeconds: 0.3 });
      expect(await restarted.reconcile()).toEqual([handle]);
      await restarted.cancel(handle);
      expect((await finish(restarted, handle)).state).toBe('cancelled');
    });

    it('reports a job killed with SIGKILL together with its wrapper as lost', async () => {
      const handle = await executor.launch(
        buildRequest('job_killed', job(runNode('setInterval(() => {}, 1000)'))),
      );
      const jobDir = join(workDir, 'jobs', 'job_killed');
      const state = await readJobFile<{ wrapper: { pid: number } }>(join(jobDir, 'state.json'));
      const child = await readJobFile<{ pid: number }>(join(jobDir, 'child.json'));
      await executor.close();
      process.kill(state.wrapper.pid, 'SIGKILL');
      process.kill(-child.pid, 'SIGKILL');
      const restarted = makeLocalExecutor(workDir);
      const status = await finish(restarted, handle);
      expect(status.state).toBe('lost');
      expect(status.reason).toMatch(/no exit status was recorded/);
      expect(await restarted.reconcile()).toEqual([]);
    });
  });
});
