import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalExecutor, type LocalExecutorOptions } from '../../src/executors/local/local-executor.js';
import { waitForFinalStatus, type ContractSubject } from './executor-contract.js';

/** A Node one-liner run by the very Node that runs the tests. */
export function runNode(script: string): string[] {
  return [process.execPath, '-e', script];
}

export async function makeWorkDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'usine-local-'));
}

export function makeLocalExecutor(
  workDir: string,
  options: Partial<LocalExecutorOptions> = {},
): LocalExecutor {
  return new LocalExecutor({
    workDir,
    nvidiaSmi: false,
    graceSeconds: 1,
    pollIntervalMs: 20,
    isolation: { jobsRoot: `${workDir}-jobs` },
    ...options,
  });
}

/** Stops whatever still runs under the work dir, waits for it to end, and removes it and the jobs' dirs. */
export async function cleanWorkDir(workDir: string): Promise<void> {
  const executor = makeLocalExecutor(workDir);
  const passTime = (ms: number) => sleep(ms);
  for (const handle of await executor.reconcile()) {
    await executor.cancel(handle);
    await waitForFinalStatus({ executor, passTime }, handle);
  }
  await executor.close();
  await rm(workDir, { recursive: true, force: true });
  await rm(`${workDir}-jobs`, { recursive: true, force: true });
}

/** The contract's jobs as Node.js one-liners, for every backend that runs commands. */
export const NODE_JOBS: Pick<ContractSubject, 'printing' | 'exiting' | 'runningFor'> = {
  printing: (text) => ({
    command: runNode(`console.log(${JSON.stringify(text)})`),
    env: {},
    durationSeconds: 1,
  }),
  exiting: (code) => ({ command: runNode(`process.exit(${code})`), env: {}, durationSeconds: 1 }),
  runningFor: (seconds) => ({
    command: runNode(`setTimeout(() => {}, ${seconds * 1000})`),
    env: {},
    durationSeconds: seconds,
  }),
};

export async function makeLocalSubject(): Promise<ContractSubject> {
  const workDir = await makeWorkDir();
  const executor = makeLocalExecutor(workDir);
  return {
    executor,
    unknownHandle: 'local:job_never_launched',
    passTime: (ms) => sleep(ms),
    ...NODE_JOBS,
    dispose: async () => {
      await executor.close();
      await cleanWorkDir(workDir);
    },
  };
}
