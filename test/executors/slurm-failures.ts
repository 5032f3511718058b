import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import {
  makeSlurmWorkDir,
  skipSlurmSuite,
  slurmCatalog,
  slurmCommand,
  slurmJob,
  type TestSlurm,
} from './slurm-subject.js';

const SCRIPTS = resolve(import.meta.dirname, '../../scripts/slurm');

/** A kind of Slurm the failure tests start a cluster of: the host's, or one from a Debian root. */
export interface SlurmKind {
  readonly label: string;
  /** The Debian root it runs from (`scripts/slurm/trixie-root.sh`); undefined: the host's Slurm. */
  readonly chroot: string | undefined;
  /** Its own ports, apart from the clusters the other Slurm tests share. */
  readonly ports: {
    readonly CTLD_PORT: string;
    readonly SLURMD_BASE_PORT: string;
    readonly REST_PORT: string;
  };
  /** What slurmrestd serves after the restart test restarts it (`-d`); undefined: the same. */
  readonly restartVersions: string | undefined;
  /** The version the site speaks after that restart. */
  readonly versionAfterRestart: string;
  /**
   * A job whose node fails ends `NODE_FAIL` (24.11 honours the submit's `requeue: false`), or is
   * requeued and then `CANCELLED` by Usine (22.05's REST API ignores it).
   */
  readonly afterNodeFailure: 'NODE_FAIL' | 'CANCELLED';
}

function whyNot(kind: SlurmKind): string | undefined {
  if (process.getuid?.() !== 0) return 'starting a Slurm needs root';
  if (kind.chroot)
    return existsSync(join(kind.chroot, 'usr/sbin/slurmrestd'))
      ? undefined
      : `no Slurm root at ${kind.chroot} (make one: bash scripts/slurm/trixie-root.sh ${kind.chroot})`;
  try {
    execFileSync('sh', ['-c', 'command -v slurmctld && command -v slurmrestd'], { stdio: 'ignore' });
  } catch {
    return 'slurmctld or slurmrestd is not installed (apt-get install munge slurmctld slurmd slurmrestd slurm-client)';
  }
  return undefined;
}

/**
 * What Usine does when Slurm fails: slurmctld or slurmrestd restarted mid-run, a node failing or
 * drained, a job preempted or past Slurm's time limit. These tests stop daemons and fail nodes, so
 * they start a Slurm of their own (on ports of their own) instead of disturbing the shared cluster.
 */
export function describeSlurmFailures(kind: SlurmKind): void {
  const skip = whyNot(kind);
  if (skip && process.env.USINE_SLURM_REQUIRED === '1') throw new Error(`USINE_SLURM_REQUIRED=1 but ${skip}`);
  if (skip) {
    skipSlurmSuite(`the Slurm ${kind.label} failure tests`, skip);
    return;
  }
  describe(`Usine when Slurm ${kind.label} fails`, () => {
    const root = mkdtempSync(join(tmpdir(), 'usine-slurm-failures-'));
    const conf = join(root, 'etc/slurm.conf');
    const env = {
      ...process.env,
      ...kind.ports,
      SLURM_ROOT: root,
      SLURM_CHROOT: kind.chroot ?? '',
      NODES: '2',
      GPUS: '4',
      GPU_TYPE: 'h100',
    };
    let slurm: TestSlurm;

    beforeAll(() => {
      execFileSync('bash', [join(SCRIPTS, 'up.sh')], { env, stdio: 'ignore', timeout: 120_000 });
      slurm = {
        label: kind.label,
        url: `http://127.0.0.1:${kind.ports.REST_PORT}`,
        tokenFile: join(root, 'jwt'),
        workRoot: join(root, 'jobs'),
        completionFile: join(root, 'log/jobcomp.txt'),
        slurmConf: conf,
        partition: 'gpu',
        bin: join(root, 'bin'),
      };
    });

    // asynchronously: the slurmctld this test restarted is this process's child, and is only
    // reaped (so that down.sh sees it gone) while the event loop runs
    afterAll(async () => {
      await promisify(execFile)('bash', [join(SCRIPTS, 'down.sh')], { env: { ...env, WIPE: '1' } });
    });

    /** Stops slurmctld (it saves its state on SIGTERM) and waits until it is gone. */
    async function stopController(): Promise<void> {
      const pid = Number(readFileSync(join(root, 'run/slurmctld.bgpid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && isAlive(pid); i += 1) await sleep(100);
      expect(isAlive(pid)).toBe(false);
    }

    /** Starts slurmctld again from its saved state, recorded where slurm-down.sh looks. */
    function startController(): void {
      const log = openSync(join(root, 'log/slurmctld-restarted.out'), 'a');
      const [command, ...args] = [...(kind.chroot ? ['chroot', kind.chroot] : []), 'slurmctld', '-D'];
      const child = spawn(command ?? 'slurmctld', args, {
        env: { ...process.env, SLURM_CONF: conf },
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      writeFileSync(join(root, 'run/slurmctld.bgpid'), String(child.pid));
    }

    function squeue(args: string[]): string {
      return slurmCommand(slurm, 'squeue', ['--noheader', ...args]);
    }

    /** Puts back in service the nodes a test marked down (an idle node refuses `resume`). */
    function resumeDownNodes(): void {
      const down = slurmCommand(slurm, 'sinfo', ['--noheader', '--states=down,drain', '--format=%N']);
      for (const nodes of new Set(down.split('\n').filter(Boolean)))
        slurmCommand(slurm, 'scontrol', ['update', `nodename=${nodes}`, 'state=resume']);
    }

    /** A factory on this cluster, a tenant's owner key, and one submitted job's id. */
    async function submitOne(spec: string, idempotencyKey: string) {
      const factory = await startTestFactory({ catalogText: slurmCatalog(slurm, makeSlurmWorkDir(slurm)) });
      const call = api(factory.url);
      const admin = factory.adminKey;
      const { key } = await createOwner(call, admin, 'hpc');
      const submitted = await call('POST', '/v1/jobs', {
        key,
        body: spec,
        headers: { 'content-type': 'application/yaml', 'idempotency-key': idempotencyKey },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      const id = submitted.body['id'] as string;
      const read = async () => (await call('GET', `/v1/jobs/${id}`, { key })).body;
      /** Polls the job until `done` says so (or 60 s), and returns it. */
      const until = async (done: (job: Record<string, unknown>) => boolean) => {
        let job = await read();
        for (let i = 0; i < 600 && !done(job); i += 1) {
          await sleep(100);
          job = await read();
        }
        return job;
      };
      return { factory, call, admin, key, id, read, until };
    }

    it('keeps a job that finishes while slurmctld is down, and records it once when it is back', async () => {
      const { factory, call, admin, key, id, until } = await submitOne(
        slurmJob('outlives-slurmctld', 4),
        'ctld-1',
      );
      try {
        let job = await until((j) => Boolean(j['startedAt']));
        expect(job).toMatchObject({ status: 'running' });
        expect(job['startedAt']).toBeTruthy();

        await stopController();
        await sleep(6000); // the job's 4 s end while the controller is away
        job = await until(() => true);
        expect(job['status'], JSON.stringify(job)).toBe('running');
        startController();

        job = await until((j) => j['status'] !== 'running');
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', exitCode: 0 });
        const logs = await call('GET', `/v1/jobs/${id}/logs`, { key });
        expect(String(logs.body)).toContain('trained');
        const audit = (await call('GET', '/v1/audit?limit=1000', { key: admin })).body.items as {
          action: string;
          subject: string;
        }[];
        expect(audit.filter((e) => e.subject === id && e.action === 'job.launch')).toHaveLength(1);
        expect(audit.filter((e) => e.subject === id && e.action === 'job.finish')).toHaveLength(1);
        const names = squeue(['--states=all', '--format=%j']).split('\n');
        expect(names.filter((name) => name === `usine-${id}`)).toHaveLength(1);
      } finally {
        await factory.close();
      }
    }, 120_000);

    it('fails a job whose node fails, naming the node (Slurm NODE_FAIL, never requeued)', async () => {
      const { factory, call, key, id, until } = await submitOne(
        slurmJob('loses-its-node', 120),
        'node-fail-1',
      );
      try {
        const running = await until((j) => Boolean(j['startedAt']));
        expect(running['status']).toBe('running');
        // the node Slurm chose (Usine asks for a count of nodes, Slurm picks them)
        const node = squeue(['--name', `usine-${id}`, '--format=%N']).trim();
        expect(node).toMatch(/^gpu-\d$/);
        slurmCommand(slurm, 'scontrol', [
          'update',
          `nodename=${node}`,
          'state=down',
          'reason=usine test: node failure',
        ]);
        const job = await until((j) => j['status'] !== 'running');
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed' });
        expect(String(job['reason'])).toContain(`node failure (${node})`);
        // never run again elsewhere: not requeued, or requeued and the rerun stopped by Usine
        expect(squeue(['--states=all', '--name', `usine-${id}`, '--format=%T']).trim()).toBe(
          kind.afterNodeFailure,
        );
        const logs = await call('GET', `/v1/jobs/${id}/logs`, { key });
        expect(String(logs.body)).toContain('started');
      } finally {
        await factory.close();
        resumeDownNodes();
      }
    }, 120_000);

    it('gives no work to a drained node: a gang that needs it waits, and starts once it is back', async () => {
      slurmCommand(slurm, 'scontrol', [
        'update',
        'nodename=gpu-2',
        'state=drain',
        'reason=usine test: maintenance',
      ]);
      const gang = slurmJob('needs-both-nodes', 1, '{ gpus: 4, nodes: 2 }');
      const { factory, id, until } = await submitOne(gang, 'drained-1');
      try {
        const waiting = await until((j) => j['status'] === 'placed' && Boolean(j['waiting']));
        expect(waiting, JSON.stringify(waiting)).toMatchObject({ status: 'placed' });
        expect((waiting['waiting'] as { code: string }).code).toMatch(/^(CAPACITY|GANG)$/);
        expect(squeue(['--states=all', '--name', `usine-${id}`, '--format=%T']).trim()).toBe('');
        resumeDownNodes();
        // the reconciler asks Slurm for its nodes again within 30 s, then admits the gang
        const done = await until((j) => ['succeeded', 'failed', 'cancelled'].includes(String(j['status'])));
        expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded' });
        expect(squeue(['--states=all', '--name', `usine-${id}`, '--format=%N']).trim()).toBe('gpu-[1-2]');
      } finally {
        await factory.close();
        resumeDownNodes();
      }
    }, 120_000);

    it('keeps a job running while slurmrestd restarts (with other versions), and speaks what it offers then', async () => {
      const { factory, call, admin, key, id, until } = await submitOne(
        slurmJob('outlives-slurmrestd', 5),
        'rest-1',
      );
      const siteApi = async () =>
        (
          (await call('GET', '/v1/sites', { key: admin })).body.items as {
            name: string;
            api?: { version: string | null; offered: string[] };
          }[]
        ).find((s) => s.name === 'hpc')?.api;
      const restartRest = (versions: string | undefined) =>
        execFileSync('bash', [join(SCRIPTS, 'up.sh')], {
          env: { ...env, REST_ONLY: '1', SLURM_REST_VERSIONS: versions ?? '' },
          stdio: 'ignore',
          timeout: 60_000,
        });
      try {
        const running = await until((j) => Boolean(j['startedAt']));
        expect(running['status']).toBe('running');
        const before = await siteApi();
        expect(before?.version).toBe(before?.offered[0]);
        restartRest(kind.restartVersions);
        const done = await until((j) => j['status'] !== 'running');
        expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded', exitCode: 0 });
        expect(await siteApi()).toMatchObject({ version: kind.versionAfterRestart });
        const audit = (await call('GET', '/v1/audit?limit=1000', { key: admin })).body.items as {
          action: string;
          subject: string;
        }[];
        expect(audit.filter((e) => e.subject === id && e.action === 'job.launch')).toHaveLength(1);
        const logs = await call('GET', `/v1/jobs/${id}/logs`, { key });
        expect(String(logs.body)).toContain('trained');
      } finally {
        await factory.close();
        if (kind.restartVersions) restartRest(undefined);
      }
    }, 120_000);

    it('fails a job a higher-priority job preempts (Slurm PREEMPTED), saying so', async () => {
      const { factory, id, until } = await submitOne(slurmJob('gets-preempted', 120), 'preempt-1');
      let urgent = '';
      try {
        await until((j) => Boolean(j['startedAt']));
        // every GPU of every node, in the partition that preempts (scripts/slurm/up.sh)
        urgent = slurmCommand(slurm, 'sbatch', [
          '--parsable',
          '-p',
          'urgent',
          '-N',
          '2',
          '--gres=gpu:h100:4',
          '-t',
          '1',
          '-o',
          '/dev/null',
          '--wrap',
          'sleep 1',
        ]).trim();
        const job = await until((j) => j['status'] !== 'running');
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed', reason: 'preempted by Slurm' });
        expect(squeue(['--states=all', '--name', `usine-${id}`, '--format=%T']).trim()).toMatch(
          /^(PREEMPTED|COMPLETING)$/,
        );
      } finally {
        await factory.close();
        if (urgent) slurmCommand(slurm, 'scancel', [urgent]);
      }
    }, 120_000);

    it("fails a job past Slurm's own time limit (Slurm TIMEOUT), naming that limit", async () => {
      const { factory, id, until } = await submitOne(slurmJob('outlives-its-limit', 300), 'timeout-1');
      try {
        await until((j) => Boolean(j['startedAt']));
        // an operator shortens it below Usine's own limit (Slurm's smallest is a minute)
        const slurmJobId = squeue(['--name', `usine-${id}`, '--format=%i']).trim();
        slurmCommand(slurm, 'scontrol', ['update', `jobid=${slurmJobId}`, 'timelimit=1']);
        let job = await until((j) => j['status'] !== 'running');
        for (let i = 0; i < 3 && job['status'] === 'running'; i += 1)
          job = await until((j) => j['status'] !== 'running');
        expect(job, JSON.stringify(job)).toMatchObject({
          status: 'failed',
          reason: 'time limit 1m reached (Slurm TIMEOUT)',
        });
      } finally {
        await factory.close();
      }
    }, 240_000);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
