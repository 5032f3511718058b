import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedExecutor } from '../../src/executors/simulated/simulated-executor.js';
import {
  encodeSimulatedHandle,
  parseSimulatedHandle,
} from '../../src/executors/simulated/simulated-handle.js';
import { buildRequest, describeExecutorContract, readAllLogs } from './executor-contract.js';
import { FakeClock } from './fake-clock.js';

// The contract runs at scale 1 on a fake clock: its seconds are the simulation's seconds.
describeExecutorContract('simulated', async () => {
  const clock = new FakeClock();
  const executor = new SimulatedExecutor({ clock, timeScale: 1, site: 'sim-site' });
  return {
    executor,
    unknownHandle: 'sim:job_never:not-a-number',
    passTime: async (ms) => clock.advance(ms),
    printing: (text) => ({ command: ['echo', text], env: {}, durationSeconds: 0.5 }),
    exiting: (code) => ({
      command: ['false'],
      env: { USINE_SIMULATED_EXIT_CODE: String(code) },
      durationSeconds: 0.1,
    }),
    runningFor: (seconds) => ({ command: ['train'], env: {}, durationSeconds: seconds }),
    dispose: () => executor.close(),
  };
});

const HOUR = 3600;

describe('simulated executor', () => {
  let clock: FakeClock;
  let workDir: string;
  beforeEach(async () => {
    clock = new FakeClock();
    workDir = await mkdtemp(join(tmpdir(), 'usine-sim-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs a one-hour job in one second at a scale of 3600', async () => {
    const executor = new SimulatedExecutor({ clock, timeScale: 3600 });
    const handle = await executor.launch(
      buildRequest('job_hour', { command: ['train'], env: {}, durationSeconds: HOUR }),
    );
    clock.advance(999);
    expect((await executor.status(handle)).state).toBe('running');
    clock.advance(1);
    expect(await executor.status(handle)).toMatchObject({
      state: 'succeeded',
      exitCode: 0,
      startedAt: '2026-11-27T09:00:00.000Z',
      finishedAt: '2026-11-27T09:00:01.000Z',
    });
  });

  it('states the time limit in simulated time and labels it simulated', async () => {
    const executor = new SimulatedExecutor({ clock, timeScale: 3600 });
    const shape = { command: ['train'], env: {}, durationSeconds: 3 * HOUR };
    const handle = await executor.launch(buildRequest('job_limit', shape, { maxDurationSeconds: 2 * HOUR }));
    clock.advance(2_000);
    expect(await executor.status(handle)).toMatchObject({
      state: 'failed',
      reason: 'time limit 2h reached (simulated)',
      finishedAt: '2026-11-27T09:00:02.000Z',
    });
  });

  it('writes synthetic logs, every line labelled simulated, appended as time passes', async () => {
    const executor = new SimulatedExecutor({ clock, timeScale: 3600, site: 'scaleway-par-2' });
    const handle = await executor.launch(
      buildRequest('job_logs', { command: ['python', 'train.py'], env: {}, durationSeconds: 3 * HOUR }),
    );
    clock.advance(1_500);
    const early = await readAllLogs(executor, handle);
    clock.advance(1_500);
    const late = await readAllLogs(executor, handle);
    expect(late.startsWith(early)).toBe(true);
    expect(late.trimEnd().split('\n')).toEqual([
      '[simulated] test job_logs (job_logs) started on scaleway-par-2, GPUs node-1[0]',
      '[simulated] $ python train.py',
      '[simulated] epoch 1/3 loss 1.250',
      '[simulated] epoch 2/3 loss 0.833',
      '[simulated] epoch 3/3 loss 0.625',
      '[simulated] succeeded',
    ]);
  });

  it('answers status from the handle alone after a restart', async () => {
    const first = new SimulatedExecutor({ clock, timeScale: 3600 });
    const handle = await first.launch(
      buildRequest('job_restart', { command: [], env: {}, durationSeconds: HOUR }),
    );
    const restarted = new SimulatedExecutor({ clock, timeScale: 60 });
    clock.advance(1_000);
    expect((await restarted.status(handle)).state).toBe('succeeded');
  });

  it('remembers a cancel and the launched jobs across a restart when given a work dir', async () => {
    const first = new SimulatedExecutor({ clock, workDir });
    const shape = { command: ['train'], env: {}, durationSeconds: HOUR };
    const cancelled = await first.launch(buildRequest('job_cancelled', shape));
    const running = await first.launch(buildRequest('job_running', shape));
    clock.advance(100);
    await first.cancel(cancelled);
    const restarted = new SimulatedExecutor({ clock, workDir });
    expect(await restarted.status(cancelled)).toMatchObject({
      state: 'cancelled',
      finishedAt: '2026-11-27T09:00:00.100Z',
    });
    expect(await restarted.reconcile()).toEqual([running]);
  });

  it('forgets a cancel across a restart without a work dir', async () => {
    const first = new SimulatedExecutor({ clock });
    const handle = await first.launch(
      buildRequest('job_forgotten', { command: ['train'], env: {}, durationSeconds: HOUR }),
    );
    await first.cancel(handle);
    expect((await new SimulatedExecutor({ clock }).status(handle)).state).toBe('running');
  });

  it('lists the GPUs of its capacity rows as virtual, node by node', async () => {
    const capacity = [
      { gpuModel: 'H100', gpuMemoryGiB: 80, gpusPerNode: 2, nodes: 2 },
      { gpuModel: 'L40S', gpuMemoryGiB: 48, gpusPerNode: 1, nodes: 1 },
    ];
    const executor = new SimulatedExecutor({ clock, site: 'par', capacity });
    const gpus = await executor.inventory();
    expect(gpus.map((g) => `${g.node}/${g.index} ${g.model}`)).toEqual([
      'par-node-1/0 H100',
      'par-node-1/1 H100',
      'par-node-2/0 H100',
      'par-node-2/1 H100',
      'par-node-3/0 L40S',
    ]);
    expect(gpus.every((g) => g.virtual)).toBe(true);
  });

  it('declares containers, fractions, services, simulation and its time scale', () => {
    expect(new SimulatedExecutor({ clock }).capabilities).toEqual({
      containers: true,
      fractionalGpus: true,
      services: true,
      simulated: true,
      timeScale: 3600,
    });
  });

  it('round-trips a handle, job ids with colons included', () => {
    const run = {
      jobId: 'job:odd',
      launchedAtMs: 1,
      durationSeconds: 2.5,
      maxDurationSeconds: undefined,
      timeScale: 60,
      exitCode: 4,
    };
    expect(parseSimulatedHandle(encodeSimulatedHandle(run))).toEqual(run);
  });
});
