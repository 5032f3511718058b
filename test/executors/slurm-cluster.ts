import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/app/ports/executor.js';
import type { SlurmExecutor } from '../../src/executors/slurm/slurm-executor.js';
import { findCompletions, parseCompletionLine } from '../../src/executors/slurm/job-completion-file.js';
import { buildRequest, readAllLogs, waitForFinalStatus } from './executor-contract.js';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';
import {
  cleanSlurmWorkDir,
  makeSlurmExecutor,
  makeSlurmWorkDir,
  slurmCatalog,
  slurmCommand,
  type TestSlurm,
} from './slurm-subject.js';
import { SPOKEN_SLURM_APIS } from '../../src/executors/slurm/negotiate-slurm-api.js';

const passTime = (ms: number) => sleep(Math.max(ms, 100));

function bash(
  script: string,
  durationSeconds = 1,
): Pick<LaunchRequest, 'command' | 'env' | 'durationSeconds'> {
  return { command: ['/bin/bash', '-c', script], env: {}, durationSeconds };
}

function onNodes(count: number, gpusPerNode: number): LaunchRequest['allocation'] {
  return {
    site: 'slurm-test',
    nodes: Array.from({ length: count }, (_, i) => ({
      node: `gpu-${i + 1}`,
      gpuIndices: Array.from({ length: gpusPerNode }, (_, g) => g),
      milliGpus: 0,
    })),
    virtual: false,
  };
}

/** A job's shell waits (in its job dir) until the test releases it: `release(workDir, jobId)`. */
const UNTIL_RELEASED = 'for i in $(seq 300); do [ -e release ] && break; sleep 0.1; done';
const release = (workDir: string, jobId: string) => writeFileSync(join(workDir, jobId, 'release'), '');

/** Polls until Slurm runs the job (it keeps a job's GPU indices only while it runs). */
async function waitForRunning(executor: SlurmExecutor, handle: string): Promise<void> {
  for (let i = 0; i < 100 && (await executor.status(handle)).state === 'pending'; i += 1) await sleep(100);
}

/** Behaviour only a real Slurm shows: gres, gangs, the queue, tokens, slurmctld's memory. */
export function describeSlurmCluster(slurm: TestSlurm): void {
  describe('slurm executor on a real cluster', () => {
    const setup = async () => {
      const workDir = makeSlurmWorkDir(slurm);
      const executor = makeSlurmExecutor(slurm, workDir);
      return { workDir, executor, done: () => cleanSlurmWorkDir(slurm, workDir) };
    };

    it('speaks the highest REST API version the cluster offers that Usine speaks', async () => {
      const { executor, done } = await setup();
      try {
        const choice = await executor.describeApi();
        expect(choice.offered.length).toBeGreaterThan(0);
        expect(choice.problem).toBeNull();
        expect(choice.version).toBe(choice.offered.find((v) => choice.spoken.includes(v)));
      } finally {
        await done();
      }
    });

    it('runs a job in each version both sides speak: its GPUs, memory and CPUs asked, its state, exit code and allocation read', async () => {
      const { workDir, executor, done } = await setup();
      try {
        const { offered } = await executor.describeApi();
        const apis = SPOKEN_SLURM_APIS.filter((a) => offered.includes(a.version));
        expect(apis.length).toBeGreaterThan(0);
        for (const api of apis) {
          const pinned = makeSlurmExecutor(slurm, workDir, { api });
          await pinned.inventory();
          const id = `job_v${api.version.replace(/\W/g, '')}`;
          const handle = await pinned.launch(
            buildRequest(id, bash(`echo "gpus=$CUDA_VISIBLE_DEVICES"; ${UNTIL_RELEASED}; exit 3`), {
              allocation: onNodes(1, 2),
              limits: { memoryBytes: 2 * 2 ** 30, cpus: 3 },
            }),
          );
          await waitForRunning(pinned, handle);
          // the spec's memory and CPUs, reserved by Slurm
          const shown = slurmCommand(slurm, 'scontrol', ['show', 'job', handle.split(':')[1] ?? '']);
          expect(shown, api.version).toMatch(/MinMemoryNode=2G\b/);
          expect(shown, api.version).toMatch(/MinCPUsNode=3\b/);
          const usage = await pinned.usage(handle);
          release(workDir, id);
          expect(usage, api.version).toMatchObject({ nodes: 1, gpusPerNode: 2, gpus: 2 });
          expect(usage?.allocation[0]?.gpuIndices, api.version).toHaveLength(2);
          const status = await waitForFinalStatus({ executor: pinned, passTime }, handle);
          expect(status, api.version).toMatchObject({ state: 'failed', exitCode: 3, reason: 'exit code 3' });
          expect((await pinned.describeApi()).version).toBe(api.version);
          expect(await readAllLogs(pinned, handle)).toMatch(/gpus=\d+,\d+/);
          await pinned.close();
        }
      } finally {
        await done();
      }
    });

    it('reads the GPUs by type from the nodes of its partition', async () => {
      const { executor, done } = await setup();
      try {
        const devices = await executor.inventory();
        expect(devices.length).toBeGreaterThan(0);
        expect(devices[0]).toMatchObject({ model: 'H100', memoryGiB: 80, virtual: false });
        const health = await executor.describeSlurmNodes();
        expect(health.every((n) => n.gpus.length > 0)).toBe(true);
        expect(health.filter((n) => n.usable).length).toBe(new Set(devices.map((d) => d.node)).size);
      } finally {
        await done();
      }
    });

    it('gives the job exactly the GPUs it asked for (gres), and reports them for metering', async () => {
      const { executor, done } = await setup();
      try {
        await executor.inventory();
        const handle = await executor.launch(
          buildRequest('job_gpus', bash('echo "gpus=$CUDA_VISIBLE_DEVICES"'), { allocation: onNodes(1, 3) }),
        );
        expect(await waitForFinalStatus({ executor, passTime }, handle)).toMatchObject({
          state: 'succeeded',
        });
        const logs = await readAllLogs(executor, handle);
        const gpus = /gpus=(\S*)/.exec(logs)?.[1] ?? '';
        expect(gpus.split(',')).toHaveLength(3);
        const usage = await executor.usage(handle);
        expect(usage).toMatchObject({ nodes: 1, gpusPerNode: 3, gpus: 3 });
        expect(usage?.startedAt).not.toBeNull();
        expect(usage?.finishedAt).not.toBeNull();
      } finally {
        await done();
      }
    });

    it('runs a 2-node gang as one Slurm job over two nodes', async () => {
      const { workDir, executor, done } = await setup();
      try {
        await executor.inventory();
        const handle = await executor.launch(
          buildRequest(
            'job_gang',
            bash(`echo "nodes=$SLURM_JOB_NUM_NODES list=$SLURM_JOB_NODELIST"; ${UNTIL_RELEASED}`),
            { allocation: onNodes(2, 2) },
          ),
        );
        await waitForRunning(executor, handle);
        const usage = await executor.usage(handle);
        release(workDir, 'job_gang');
        expect(await waitForFinalStatus({ executor, passTime }, handle)).toMatchObject({
          state: 'succeeded',
        });
        const logs = await readAllLogs(executor, handle);
        expect(logs).toContain('nodes=2');
        expect(usage).toMatchObject({ nodes: 2, gpusPerNode: 2, gpus: 4 });
        // which nodes Slurm chose, and which GPUs on each, from the job's allocation
        const list = /list=(\S+)/.exec(logs)?.[1] ?? '';
        expect(usage?.allocation.map((n) => n.node)).toEqual(
          slurmCommand(slurm, 'scontrol', ['show', 'hostnames', list]).trim().split('\n'),
        );
        expect(usage?.allocation.map((n) => n.gpuIndices.length)).toEqual([2, 2]);
      } finally {
        await done();
      }
    });

    it("shows Slurm's pending reason while the cluster is full", async () => {
      const { workDir, executor, done } = await setup();
      try {
        const devices = await executor.inventory();
        const nodes = new Set(devices.map((d) => d.node)).size;
        const perNode = devices.filter((d) => d.node === devices[0]?.node).length;
        const fillers: string[] = [];
        for (let i = 0; i < nodes; i += 1)
          fillers.push(
            await executor.launch(
              buildRequest(`job_fill_${i}`, bash('sleep 60', 60), { allocation: onNodes(1, perNode) }),
            ),
          );
        const fast = makeSlurmExecutor(slurm, workDir, { startWaitMs: 0 });
        await fast.inventory();
        const waiting = await fast.launch(
          buildRequest('job_waits', bash('echo finally'), { allocation: onNodes(1, 1) }),
        );
        let status = await fast.status(waiting);
        for (let i = 0; i < 40 && !/Resources|Priority/.test(status.reason ?? ''); i += 1) {
          await sleep(100);
          status = await fast.status(waiting);
        }
        expect(status.state).toBe('pending');
        expect(status.reason).toMatch(/^pending in Slurm: (Resources|Priority)/);
        for (const handle of fillers) await executor.cancel(handle);
        expect(await waitForFinalStatus({ executor, passTime }, waiting, 300)).toMatchObject({
          state: 'succeeded',
        });
        await fast.close();
      } finally {
        await done();
      }
    });

    it('adopts a Slurm job submitted by an earlier process instead of submitting it again', async () => {
      const { workDir, executor, done } = await setup();
      try {
        const request = buildRequest('job_adopt', bash('sleep 30', 30));
        const handle = await executor.launch(request);
        // the earlier process died before recording the Slurm job id
        writeFileSync(join(workDir, 'job_adopt', 'submitted.json'), 'half');
        const again = makeSlurmExecutor(slurm, workDir);
        expect(await again.launch(request)).toBe(handle);
        expect(await again.reconcile()).toEqual([handle]);
        await again.cancel(handle);
        expect(await waitForFinalStatus({ executor: again, passTime }, handle)).toMatchObject({
          state: 'cancelled',
        });
        await again.close();
      } finally {
        await done();
      }
    });

    it('re-reads the token file when it changes, and says so when the token is bad', async () => {
      const { workDir, done } = await setup();
      const tokenFile = join(workDir, 'jwt');
      writeFileSync(tokenFile, 'not-a-token');
      const executor = makeSlurmExecutor(slurm, workDir, { tokenFile });
      try {
        await expect(executor.ping()).rejects.toThrow(/check the token in .*jwt and the user root/);
        await sleep(20); // a different mtime
        writeFileSync(tokenFile, readFileSync(slurm.tokenFile, 'utf8'));
        await executor.ping();
      } finally {
        await executor.close();
        await done();
      }
    });

    it('reads how a job ended from the completion record once slurmctld has forgotten it', async () => {
      const { executor, done } = await setup();
      try {
        const handle = await executor.launch(buildRequest('job_record', bash('exit 4')));
        await waitForFinalStatus({ executor, passTime }, handle);
        const slurmJobId = Number(handle.split(':')[1]);
        if (!slurm.completionFile) return;
        let record = (await findCompletions(slurm.completionFile, slurmJobId)).at(-1);
        for (let i = 0; i < 20 && !record; i += 1) {
          await sleep(100);
          record = (await findCompletions(slurm.completionFile, slurmJobId)).at(-1);
        }
        expect(record).toMatchObject({ name: 'usine-job_record', state: 'FAILED', exitStatus: 4 << 8 });
      } finally {
        await done();
      }
    });
  });

  describe('a Slurm site in GET /v1/sites', () => {
    it('shows its REST API version, its GPUs by type and its nodes, a drained one left out of the capacity', async () => {
      const workDir = makeSlurmWorkDir(slurm);
      const factory = await startTestFactory({ catalogText: slurmCatalog(slurm, workDir) });
      const scontrol = (...args: string[]) => slurmCommand(slurm, 'scontrol', args);
      try {
        const call = api(factory.url);
        const sites = async () =>
          (
            (await call('GET', '/v1/sites', { key: factory.adminKey })).body.items as Record<
              string,
              unknown
            >[]
          ).find((s) => s['name'] === 'hpc') ?? {};
        const before = await sites();
        const rest = before['api'] as { version: string | null; offered: string[]; problem: string | null };
        expect(rest.problem).toBeNull();
        expect(rest.offered).toContain(rest.version);
        // `usine sites` without a catalog: the running server's sites, the version said
        const cli = await runUsine(['sites'], {
          env: { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey },
        });
        expect(cli.code, cli.stderr).toBe(0);
        expect(cli.stdout).toMatch(new RegExp(`^hpc +slurm +${String(rest.version)} `, 'm'));
        const total = (before['gpus'] as Record<string, number>)['H100'] ?? 0;
        expect(total).toBeGreaterThan(0);
        const nodes = before['nodes'] as { name: string; usable: boolean; gpus: Record<string, number> }[];
        expect(nodes.length).toBeGreaterThan(1);
        expect(nodes.every((n) => n.gpus['H100'] !== undefined)).toBe(true);
        if (!slurm.slurmConf) return;
        const last = nodes[nodes.length - 1]?.name ?? '';
        scontrol('update', `nodename=${last}`, 'state=drain', 'reason=usine-test');
        try {
          const after = await sites();
          const drained = (after['nodes'] as { name: string; usable: boolean; reason: string }[]).find(
            (n) => n.name === last,
          );
          expect(drained).toMatchObject({ usable: false, reason: 'usine-test' });
          expect((after['gpus'] as Record<string, number>)['H100']).toBe(
            total - (nodes.at(-1)?.gpus['H100'] ?? 0),
          );
        } finally {
          scontrol('update', `nodename=${last}`, 'state=resume');
        }
      } finally {
        await factory.close();
        await cleanSlurmWorkDir(slurm, workDir);
      }
    }, 60_000);
  });

  describe('a Usine job waiting in a full Slurm', () => {
    it("shows Slurm's pending reason in GET /v1/jobs/{id} (usine job ID), and is metered from Slurm's start", async () => {
      const fillDir = makeSlurmWorkDir(slurm);
      const filler = makeSlurmExecutor(slurm, fillDir);
      const workDir = makeSlurmWorkDir(slurm);
      const factory = await startTestFactory({ catalogText: slurmCatalog(slurm, workDir) });
      try {
        const devices = await filler.inventory();
        for (const node of new Set(devices.map((d) => d.node))) {
          const count = devices.filter((d) => d.node === node).length;
          await filler.launch(
            buildRequest(`job_full_${node.replace(/\W/g, '_')}`, bash('sleep 60', 60), {
              allocation: {
                site: 'x',
                nodes: [{ node, gpuIndices: [...Array(count).keys()], milliGpus: 0 }],
                virtual: false,
              },
            }),
          );
        }
        const call = api(factory.url);
        const admin = factory.adminKey;
        const key = (await createOwner(call, admin, 'waits')).key;
        const submitted = await call('POST', '/v1/jobs', {
          key,
          body: `apiVersion: usine/v1
kind: Job
metadata: { name: waits-for-slurm }
spec:
  workload: train
  command: [/bin/true]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [hpc] }
`,
          headers: { 'content-type': 'application/yaml', 'idempotency-key': 'waits-1' },
        });
        const id = submitted.body['id'] as string;
        let job: Record<string, unknown> = {};
        for (
          let i = 0;
          i < 100 && !/pending in Slurm: (Resources|Priority)/.test(String(job['reason']));
          i += 1
        ) {
          await sleep(100);
          job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
        }
        expect(job).toMatchObject({ status: 'running', startedAt: null });
        expect(String(job['reason'])).toMatch(/^pending in Slurm: (Resources|Priority)/);
        await sleep(2000); // long enough that metering from the launch would show
        const released = Date.now();
        for (const handle of await filler.reconcile()) await filler.cancel(handle);
        for (let i = 0; i < 300 && job['status'] === 'running'; i += 1) {
          await sleep(100);
          job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
        }
        expect(job['status']).toBe('succeeded');
        // metered from Slurm's own start (whole seconds), not from the launch into Slurm's queue
        const startedAt = Date.parse(String(job['startedAt']));
        expect(startedAt).toBeGreaterThanOrEqual(Math.floor(released / 1000) * 1000);
        const usage = (await call('GET', '/v1/usage?groupBy=job', { key })).body['items'] as {
          key: string;
          gpuSeconds: string;
        }[];
        const metered = Number(usage.find((u) => u.key === id)?.gpuSeconds ?? 0);
        expect(metered).toBeLessThanOrEqual((Date.parse(String(job['finishedAt'])) - startedAt) / 1000);
      } finally {
        await factory.close();
        await filler.close();
        await cleanSlurmWorkDir(slurm, fillDir);
        await cleanSlurmWorkDir(slurm, workDir);
      }
    }, 90_000);
  });

  describe('jobcomp/filetxt lines', () => {
    it('reads state, exit code, times and nodes', () => {
      const line =
        'JobId=7 UserId=root(0) GroupId=root(0) Name=usine-job_x JobState=TIMEOUT Partition=gpu TimeLimit=1 StartTime=2026-11-27T05:49:02 EndTime=2026-11-27T05:50:10 NodeList=gpu-[1-2] NodeCnt=2 ProcCnt=2 ExitCode=0:15 ';
      expect(parseCompletionLine(line)).toMatchObject({
        jobId: 7,
        name: 'usine-job_x',
        state: 'TIMEOUT',
        startTime: Date.parse('2026-11-27T05:49:02Z') / 1000,
        nodes: 'gpu-[1-2]',
        exitStatus: 15,
      });
    });
  });
}
