import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/app/ports/executor.js';
import type { Store } from '../../src/app/ports/store.js';
import { AgentExecutor } from '../../src/executors/agent/agent-executor.js';
import { openStore } from '../../src/store/open-store.js';
import { newTestId } from '../store/store-fixtures.js';
import { FakeClock } from './fake-clock.js';

// The control plane's half of the fleet over a real store, the agent's half played through
// the store's own calls (the HTTP routes and a real agent are tested in test/agent/).
describe('AgentExecutor', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore();
  });
  afterAll(() => store?.close());

  function setUp(options: { expected?: boolean } = {}) {
    const clock = new FakeClock('2026-12-03T10:00:00Z');
    const site = newTestId('site');
    const warnings: string[] = [];
    const executor = new AgentExecutor({
      store,
      clock,
      site,
      graceSeconds: 30,
      pollIntervalMs: 10,
      onWarning: (m) => warnings.push(m),
      ...(options.expected
        ? {
            expected: [
              {
                gpuModel: 'L40S',
                gpuMemoryGiB: 48,
                gpusPerNode: 2,
                nodes: 1,
                boardPowerW: 350,
                cpusPerNode: undefined,
                memoryGiBPerNode: undefined,
              },
            ],
          }
        : {}),
    });
    const register = (name = 'n1', agentId = 'agt_1') =>
      store.transaction((tx) =>
        tx.registerNode({
          site,
          name,
          gpus: [{ index: 0, uuid: 'GPU-a', model: 'L40S', memoryGiB: 48, powerLimitW: 350, virtual: false }],
          cpus: 8,
          memoryMiB: 32768,
          agentId,
          agentVersion: 'test',
          registeredAt: clock.now().toISOString(),
        }),
      );
    const request = (...nodes: string[]): LaunchRequest => ({
      jobId: newTestId('job'),
      name: 'hello',
      command: ['true'],
      image: undefined,
      env: {},
      allocation: {
        site,
        nodes: (nodes.length > 0 ? nodes : ['n1']).map((node) => ({
          node,
          gpuIndices: [0],
          milliGpus: 1000,
        })),
        virtual: false,
      },
      maxDurationSeconds: undefined,
      durationSeconds: 60,
      document: { kind: 'Job' },
    });
    return { clock, site, executor, register, request, warnings };
  }

  it('assigns a launch once: launching again returns the same handle and adds nothing', async () => {
    const { site, executor, register, request } = setUp();
    await register();
    const job = request();
    const handle = await executor.launch(job);
    expect(handle).toBe(`agent:n1:${job.jobId}`);
    expect(await executor.launch(job)).toBe(handle);
    const claimed = await store.transaction((tx) =>
      tx.claimLaunches(site, 'n1', 'agt_1', 10, '2026-12-03T10:00:01Z'),
    );
    expect(claimed.map((l) => l.jobId)).toEqual([job.jobId]);
    expect(claimed[0]?.request).not.toHaveProperty('document');
  });

  it('says pending until the agent reports it running, then what the agent said', async () => {
    const { site, executor, register, request } = setUp();
    await register();
    const job = request();
    const handle = await executor.launch(job);
    expect(await executor.status(handle)).toMatchObject({
      state: 'pending',
      reason: 'waiting for the agent of node n1',
    });
    await store.transaction((tx) => tx.claimLaunches(site, 'n1', 'agt_1', 10, '2026-12-03T10:00:01Z'));
    expect((await executor.status(handle)).reason).toBe('starting on node n1');
    const report = (state: 'running' | 'failed', exitCode: number | null) =>
      store.transaction((tx) =>
        tx.reportLaunch(
          job.jobId,
          'agt_1',
          {
            state,
            exitCode,
            reason: exitCode === null ? null : `exit code ${exitCode}`,
            agentHandle: `local:${job.jobId}`,
            startedAt: '2026-12-03T10:00:02.000Z',
            finishedAt: state === 'failed' ? '2026-12-03T10:00:05.000Z' : null,
          },
          '2026-12-03T10:00:05Z',
        ),
      );
    await report('running', null);
    expect(await executor.status(handle)).toMatchObject({
      state: 'running',
      startedAt: '2026-12-03T10:00:02.000Z',
    });
    expect(await executor.reconcile()).toEqual([handle]);
    await report('failed', 2);
    expect(await executor.status(handle)).toMatchObject({
      state: 'failed',
      exitCode: 2,
      reason: 'exit code 2',
      finishedAt: '2026-12-03T10:00:05.000Z',
    });
    expect(await executor.reconcile()).toEqual([]);
  });

  it('keeps a silent node’s GPUs until the grace period ends, then loses its jobs', async () => {
    const { clock, site, executor, register, request } = setUp();
    await register('n1');
    await register('n2', 'agt_2');
    const handle = await executor.launch(request('n1'));
    await store.transaction((tx) => tx.claimLaunches(site, 'n1', 'agt_1', 10, clock.now().toISOString()));
    clock.advance(29_000);
    await store.transaction((tx) => tx.recordHeartbeat(site, 'n2', 'agt_2', clock.now().toISOString()));
    expect((await executor.inventory()).map((d) => d.node)).toEqual(['n1', 'n2']);
    expect((await executor.status(handle)).state).toBe('pending');
    clock.advance(2_000);
    expect((await executor.inventory()).map((d) => d.node)).toEqual(['n2']);
    expect(await executor.status(handle)).toMatchObject({
      state: 'lost',
      reason: 'node n1 unreachable since 2026-12-03T10:00:00.000Z',
    });
    const nodes = await executor.describeNodes();
    expect(nodes.find((n) => n.name === 'n1')).toMatchObject({ state: 'unreachable', usable: false });
  });

  it('cancels a launch no agent took at once; a claimed one is asked of its agent', async () => {
    const { site, executor, register, request } = setUp();
    await register();
    const waiting = await executor.launch(request());
    await executor.cancel(waiting);
    expect(await executor.status(waiting)).toMatchObject({
      state: 'cancelled',
      reason: 'cancelled before it started',
    });
    const claimed = request();
    const handle = await executor.launch(claimed);
    await store.transaction((tx) => tx.claimLaunches(site, 'n1', 'agt_1', 10, '2026-12-03T10:00:01Z'));
    await executor.cancel(handle);
    expect((await store.transaction((tx) => tx.getLaunch(claimed.jobId)))?.cancelRequestedAt).not.toBeNull();
    expect((await executor.status(handle)).state).toBe('pending');
  });

  it('serves the shipped output from any byte offset, and follows it until the launch ends', async () => {
    const { site, executor, register, request } = setUp();
    await register();
    const job = request();
    const handle = await executor.launch(job);
    await store.transaction((tx) => tx.claimLaunches(site, 'n1', 'agt_1', 10, '2026-12-03T10:00:01Z'));
    const ship = (offset: number, text: string) =>
      store.transaction((tx) => tx.appendLaunchLog(job.jobId, offset, Buffer.from(text)));
    await ship(0, 'été\n');
    const followed = (async () => {
      let text = '';
      for await (const chunk of executor.logs(handle, { offset: 0, follow: true })) text += chunk;
      return text;
    })();
    await ship(6, 'fin\n');
    await store.transaction((tx) =>
      tx.reportLaunch(
        job.jobId,
        'agt_1',
        {
          state: 'succeeded',
          exitCode: 0,
          reason: null,
          agentHandle: null,
          startedAt: null,
          finishedAt: '2026-12-03T10:00:03Z',
        },
        '2026-12-03T10:00:03Z',
      ),
    );
    expect(await followed).toBe('été\nfin\n');
    let tail = '';
    for await (const chunk of executor.logs(handle, { offset: 3, follow: false })) tail += chunk;
    expect(tail).toBe('é\nfin\n');
  });

  it('warns once when the registered GPUs differ from the catalog’s expected shape', async () => {
    const { executor, register, warnings } = setUp({ expected: true });
    expect(await executor.inventory()).toEqual([]);
    expect(warnings).toEqual([]);
    await register();
    await executor.inventory();
    await executor.inventory();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the catalog expects 2 × L40S, its agents report 1 × L40S/);
  });

  it('refuses a job over several nodes, saying why', async () => {
    const { executor, request } = setUp();
    await expect(executor.launch(request('n1', 'n2'))).rejects.toThrow(/spans 2 nodes/);
  });
});
