import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionStatus, Executor, LaunchRequest } from '../../src/app/ports/executor.js';

/** The parts of a request that say what a job does; each backend expresses them its own way. */
export type JobShape = Pick<LaunchRequest, 'command' | 'env' | 'durationSeconds'>;

export interface ContractSubject {
  readonly executor: Executor;
  /** A handle of the backend's form that it never gave out. */
  readonly unknownHandle: string;
  /** Lets `ms` of the executor's time pass: real time for processes, a fake clock for a simulation. */
  passTime(ms: number): Promise<void>;
  /** A job that writes `text` to its logs and succeeds within a second. */
  printing(text: string): JobShape;
  /** A job that fails at once with `code`. */
  exiting(code: number): JobShape;
  /** A job that runs for `seconds` unless stopped. */
  runningFor(seconds: number): JobShape;
  /** Called after each test: stop what is left, remove temporary files. */
  dispose(): Promise<void>;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'lost']);

export function buildRequest(
  jobId: string,
  shape: JobShape,
  extra: Partial<LaunchRequest> = {},
): LaunchRequest {
  return {
    jobId,
    name: `test ${jobId}`,
    image: undefined,
    allocation: { site: 'test', nodes: [{ node: 'node-1', gpuIndices: [0], milliGpus: 0 }], virtual: true },
    maxDurationSeconds: undefined,
    ...shape,
    ...extra,
  };
}

/** Polls until the job's state is final, letting the subject's time pass in small steps. */
export async function waitForFinalStatus(
  subject: Pick<ContractSubject, 'executor' | 'passTime'>,
  handle: string,
  maxSteps = 200,
): Promise<ExecutionStatus> {
  for (let step = 0; step < maxSteps; step += 1) {
    const status = await subject.executor.status(handle);
    if (FINAL.has(status.state)) return status;
    await subject.passTime(25);
  }
  throw new Error(`${handle} did not finish`);
}

export async function readAllLogs(executor: Executor, handle: string, follow = false): Promise<string> {
  let text = '';
  for await (const chunk of executor.logs(handle, { offset: 0, follow })) text += chunk;
  return text;
}

/** The behaviour every executor promises, whatever runs the jobs. */
export function describeExecutorContract(name: string, makeSubject: () => Promise<ContractSubject>): void {
  describe(`${name} executor contract`, () => {
    let subject: ContractSubject;
    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('reports a job that succeeds as succeeded with exit code 0 and its output in the logs', async () => {
      const handle = await subject.executor.launch(
        buildRequest('job_ok', subject.printing('hello from usine')),
      );
      const status = await waitForFinalStatus(subject, handle);
      expect(status).toMatchObject({ state: 'succeeded', exitCode: 0 });
      expect(status.startedAt).not.toBeNull();
      expect(status.finishedAt).not.toBeNull();
      expect(await readAllLogs(subject.executor, handle)).toContain('hello from usine');
    });

    it('reports a job that fails as failed with its exit code', async () => {
      const handle = await subject.executor.launch(buildRequest('job_fail', subject.exiting(3)));
      const status = await waitForFinalStatus(subject, handle);
      expect(status).toMatchObject({ state: 'failed', exitCode: 3 });
      expect(status.reason).toContain('exit code 3');
    });

    it('reports a cancelled running job as cancelled', async () => {
      const handle = await subject.executor.launch(buildRequest('job_cancel', subject.runningFor(30)));
      expect((await subject.executor.status(handle)).state).toBe('running');
      await subject.executor.cancel(handle);
      expect(await waitForFinalStatus(subject, handle)).toMatchObject({ state: 'cancelled' });
    });

    it('fails a job that runs past its time limit, saying so', async () => {
      const request = buildRequest('job_limit', subject.runningFor(30), { maxDurationSeconds: 0.3 });
      const handle = await subject.executor.launch(request);
      const status = await waitForFinalStatus(subject, handle);
      expect(status.state).toBe('failed');
      expect(status.reason).toMatch(/time limit 0\.3s reached/);
    });

    it('reports a handle it never gave out as lost', async () => {
      expect((await subject.executor.status(subject.unknownHandle)).state).toBe('lost');
      expect((await subject.executor.status('not a handle at all')).state).toBe('lost');
    });

    it('has no logs for a handle it never gave out, even when following', async () => {
      expect(await readAllLogs(subject.executor, 'not a handle at all', true)).toBe('');
    });

    it('lists the running jobs when reconciling, and not the finished ones', async () => {
      const first = await subject.executor.launch(buildRequest('job_a', subject.runningFor(30)));
      const second = await subject.executor.launch(buildRequest('job_b', subject.runningFor(30)));
      const done = await subject.executor.launch(buildRequest('job_c', subject.exiting(0)));
      await waitForFinalStatus(subject, done);
      const handles = await subject.executor.reconcile();
      expect(handles).toEqual(expect.arrayContaining([first, second]));
      expect(handles).not.toContain(done);
      await subject.executor.cancel(first);
      await subject.executor.cancel(second);
    });

    it('returns the same handle when a job is launched twice', async () => {
      const request = buildRequest('job_twice', subject.runningFor(30));
      const handle = await subject.executor.launch(request);
      expect(await subject.executor.launch(request)).toBe(handle);
      const [again, andAgain] = await Promise.all([
        subject.executor.launch(request),
        subject.executor.launch(request),
      ]);
      expect([again, andAgain]).toEqual([handle, handle]);
      await subject.executor.cancel(handle);
    });

    it('declares its capabilities', () => {
      const { containers, fractionalGpus, services, simulated } = subject.executor.capabilities;
      expect([typeof containers, typeof fractionalGpus, typeof services, typeof simulated]).toEqual([
        'boolean',
        'boolean',
        'boolean',
        'boolean',
      ]);
    });
  });
}
