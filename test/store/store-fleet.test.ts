import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchOrder, LaunchReport } from '../../src/app/ports/fleet-store.js';
import type { Store } from '../../src/app/ports/store.js';
import { roundTripJson } from '../../src/store/sql-values.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { newTestId } from './store-fixtures.js';

afterAll(dropTestSchemas);

const T0 = '2026-12-03T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function order(jobId: string): LaunchOrder {
  return {
    jobId,
    name: 'hello',
    command: ['node', '-e', '1'],
    image: undefined,
    env: { SEED: '1' },
    allocation: { site: 'local', nodes: [{ node: 'n1', gpuIndices: [0], milliGpus: 1000 }], virtual: true },
    maxDurationSeconds: 60,
    durationSeconds: 30,
  };
}

describe.each(STORE_BACKENDS)('the fleet store on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  async function registerNode(site = newTestId('site'), name = 'n1', agentId = newTestId('agent')) {
    return store.transaction((tx) =>
      tx.registerNode({
        site,
        name,
        gpus: [{ index: 0, uuid: 'GPU-1', model: 'L40S', memoryGiB: 48, powerLimitW: 350, virtual: false }],
        cpus: 16,
        memoryMiB: 131072,
        agentId,
        agentVersion: 'test',
        registeredAt: T0,
      }),
    );
  }

  describe.skipIf(backend.skip)('nodes', () => {
    it('registers a node ready, with its inventory, and replaces it on a new registration', async () => {
      const node = await registerNode();
      expect(node).toMatchObject({ state: 'ready', lastHeartbeatAt: T0, cpus: 16, memoryMiB: 131072 });
      expect(node.gpus[0]).toEqual({
        index: 0,
        uuid: 'GPU-1',
        model: 'L40S',
        memoryGiB: 48,
        powerLimitW: 350,
        virtual: false,
      });
      const again = await registerNode(node.site, 'n1', 'agent_other');
      expect(again.agentId).toBe('agent_other');
      expect(await store.transaction((tx) => tx.listNodes(node.site))).toHaveLength(1);
    });

    it('takes heartbeats only from the agent that registered the node', async () => {
      const node = await registerNode();
      const beat = await store.transaction((tx) => tx.recordHeartbeat(node.site, 'n1', node.agentId, at(5)));
      expect(beat?.lastHeartbeatAt).toBe(at(5));
      expect(
        await store.transaction((tx) => tx.recordHeartbeat(node.site, 'n1', 'agent_impostor', at(6))),
      ).toBeUndefined();
    });

    it('marks a silent node unreachable once, and its open launches lost with the reason', async () => {
      const node = await registerNode();
      const running = newTestId('job');
      const done = newTestId('job');
      await store.transaction(async (tx) => {
        await tx.assignLaunch(running, node.site, 'n1', order(running), T0);
        await tx.assignLaunch(done, node.site, 'n1', order(done), T0);
        await tx.claimLaunches(node.site, 'n1', node.agentId, 10, at(1));
        await tx.reportLaunch(done, node.agentId, finished('succeeded'), at(2));
      });
      const reason = (n: { name: string; lastHeartbeatAt: string }) =>
        `node ${n.name} unreachable since ${n.lastHeartbeatAt}`;
      const marked = await store.transaction((tx) =>
        tx.markUnreachableNodes(node.site, at(30), at(31), reason),
      );
      expect(marked.map((n) => n.state)).toEqual(['unreachable']);
      expect(
        await store.transaction((tx) => tx.markUnreachableNodes(node.site, at(30), at(32), reason)),
      ).toEqual([]);
      const lost = await store.transaction((tx) => tx.getLaunch(running));
      expect(lost).toMatchObject({
        state: 'lost',
        reason: `node n1 unreachable since ${T0}`,
        finishedAt: at(31),
      });
      expect((await store.transaction((tx) => tx.getLaunch(done)))?.state).toBe('succeeded');
    });
  });

  describe.skipIf(backend.skip)('launches', () => {
    it('assigns a job once: a second assignment returns the first', async () => {
      const node = await registerNode();
      const jobId = newTestId('job');
      const first = await store.transaction((tx) =>
        tx.assignLaunch(jobId, node.site, 'n1', order(jobId), T0),
      );
      const second = await store.transaction((tx) =>
        tx.assignLaunch(jobId, node.site, 'n1', { ...order(jobId), command: ['other'] }, at(9)),
      );
      expect(second).toEqual(first);
      expect(first).toMatchObject({
        state: 'assigned',
        agentId: null,
        logBytes: 0,
        request: roundTripJson(order(jobId)),
      });
    });

    it('gives each assigned launch to one claim, oldest first, and never again', async () => {
      const node = await registerNode();
      const ids = [newTestId('job'), newTestId('job'), newTestId('job')];
      await store.transaction(async (tx) => {
        for (const [i, id] of ids.entries()) await tx.assignLaunch(id, node.site, 'n1', order(id), at(i));
      });
      const claimed = await store.transaction((tx) =>
        tx.claimLaunches(node.site, 'n1', node.agentId, 2, at(5)),
      );
      expect(claimed.map((l) => l.jobId)).toEqual(ids.slice(0, 2));
      expect(claimed[0]).toMatchObject({ state: 'claimed', agentId: node.agentId, claimedAt: at(5) });
      const rest = await store.transaction((tx) =>
        tx.claimLaunches(node.site, 'n1', node.agentId, 10, at(6)),
      );
      expect(rest.map((l) => l.jobId)).toEqual(ids.slice(2));
      expect(
        await store.transaction((tx) => tx.claimLaunches(node.site, 'n1', node.agentId, 10, at(7))),
      ).toEqual([]);
      expect((await store.transaction((tx) => tx.listOpenLaunches(node.site, 'n1'))).length).toBe(3);
    });

    it('takes reports only from its agent, running once, and nothing after a final state', async () => {
      const node = await registerNode();
      const jobId = newTestId('job');
      await store.transaction(async (tx) => {
        await tx.assignLaunch(jobId, node.site, 'n1', order(jobId), T0);
        await tx.claimLaunches(node.site, 'n1', node.agentId, 1, at(1));
      });
      const report = (agentId: string, r: LaunchReport) =>
        store.transaction((tx) => tx.reportLaunch(jobId, agentId, r, at(3)));
      expect(await report('agent_other', running(jobId))).toBeUndefined();
      expect(await report(node.agentId, running(jobId))).toMatchObject({
        state: 'running',
        agentHandle: `local:${jobId}`,
        startedAt: at(2),
      });
      expect(await report(node.agentId, running(jobId))).toBeUndefined();
      expect(await report(node.agentId, finished('failed', 3))).toMatchObject({
        state: 'failed',
        exitCode: 3,
      });
      expect(await report(node.agentId, finished('succeeded'))).toBeUndefined();
      expect(await store.transaction((tx) => tx.listOpenLaunches(node.site, 'n1'))).toEqual([]);
    });

    it('cancels an assigned launch at once, and asks the agent to stop a claimed one', async () => {
      const node = await registerNode();
      const [waiting, claimed] = [newTestId('job'), newTestId('job')];
      await store.transaction(async (tx) => {
        await tx.assignLaunch(claimed, node.site, 'n1', order(claimed), T0);
        await tx.claimLaunches(node.site, 'n1', node.agentId, 1, at(1));
        await tx.assignLaunch(waiting, node.site, 'n1', order(waiting), at(2));
      });
      const cancelled = await store.transaction((tx) => tx.requestLaunchCancel(waiting, at(3)));
      expect(cancelled).toMatchObject({ state: 'cancelled', cancelRequestedAt: at(3), finishedAt: at(3) });
      const asked = await store.transaction((tx) => tx.requestLaunchCancel(claimed, at(4)));
      expect(asked).toMatchObject({ state: 'claimed', cancelRequestedAt: at(4) });
      expect(
        await store.transaction((tx) => tx.claimLaunches(node.site, 'n1', node.agentId, 9, at(5))),
      ).toEqual([]);
    });
  });

  describe.skipIf(backend.skip)('shipped logs', () => {
    it('keeps chunks contiguous: a replay is ignored, a gap refused, reads from any offset', async () => {
      const node = await registerNode();
      const jobId = newTestId('job');
      await store.transaction((tx) => tx.assignLaunch(jobId, node.site, 'n1', order(jobId), T0));
      const append = (offset: number, text: string) =>
        store.transaction((tx) => tx.appendLaunchLog(jobId, offset, Buffer.from(text)));
      expect(await append(0, 'héllo\n')).toBe(7);
      expect(await append(0, 'héllo\n')).toBe(7);
      expect(await append(20, 'gap')).toBe(7);
      expect(await append(7, 'world\n')).toBe(13);
      const read = async (offset: number) =>
        (await store.transaction((tx) => tx.readLaunchLog(jobId, offset, 1 << 20))).map((c) => ({
          offset: c.offset,
          text: Buffer.from(c.data).toString(),
        }));
      expect(await read(0)).toEqual([
        { offset: 0, text: 'héllo\n' },
        { offset: 7, text: 'world\n' },
      ]);
      expect(await read(8)).toEqual([{ offset: 7, text: 'world\n' }]);
      expect(await read(13)).toEqual([]);
      expect((await store.transaction((tx) => tx.getLaunch(jobId)))?.logBytes).toBe(13);
    });
  });
});

function running(jobId: string): LaunchReport {
  return {
    state: 'running',
    exitCode: null,
    reason: null,
    agentHandle: `local:${jobId}`,
    startedAt: at(2),
    finishedAt: null,
  };
}

function finished(state: 'succeeded' | 'failed', exitCode = 0): LaunchReport {
  return {
    state,
    exitCode,
    reason: state === 'failed' ? `exit code ${exitCode}` : null,
    agentHandle: null,
    startedAt: at(2),
    finishedAt: at(4),
  };
}
