import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { makeSlurmWorkDir, slurmCatalog, slurmJob, type TestSlurm } from './slurm-subject.js';

// These tests stop slurmctld and fail nodes, so they start a Slurm of their own (on ports of
// their own) instead of disturbing the cluster the other Slurm tests share.
const SCRIPTS = resolve(import.meta.dirname, '../../../shared/slurm');
const PORTS = { CTLD_PORT: '26817', SLURMD_BASE_PORT: '27100', REST_PORT: '26820' };

function whyNot(): string | undefined {
  if (!existsSync(join(SCRIPTS, 'slurm-up.sh'))) return `no ${SCRIPTS}/slurm-up.sh`;
  try {
    execFileSync('sh', ['-c', 'command -v slurmctld && command -v slurmrestd'], { stdio: 'ignore' });
  } catch {
    return 'slurmctld or slurmrestd is not installed (apt-get install munge slurmctld slurmd slurmrestd slurm-client)';
  }
  if (process.getuid?.() !== 0) return 'starting a Slurm needs root';
  return undefined;
}

const skip = whyNot();
if (skip && process.env.USINE_SLURM_REQUIRED === '1') throw new Error(`USINE_SLURM_REQUIRED=1 but ${skip}`);

if (skip) {
  console.warn(`\n*** SKIPPING the Slurm failure tests: ${skip}\n`);
  describe.skip(`Slurm failures (skipped: ${skip})`, () => {
    it('needs Slurm', () => undefined);
  });
} else {
  describe('Usine when Slurm fails', () => {
    const root = mkdtempSync(join(tmpdir(), 'usine-ctld-restart-'));
    const conf = join(root, 'etc/slurm.conf');
    const env = { ...process.env, ...PORTS, SLURM_ROOT: root, NODES: '2', GPUS: '4', GPU_TYPE: 'h100' };
    let slurm: TestSlurm;

    beforeAll(() => {
      execFileSync('bash', [join(SCRIPTS, 'slurm-up.sh')], { env, stdio: 'ignore', timeout: 120_000 });
      const tokenFile = join(root, 'jwt');
      const token = execFileSync('scontrol', ['token', 'username=root', 'lifespan=3600'], {
        env: { ...process.env, SLURM_CONF: conf },
        encoding: 'utf8',
      });
      writeFileSync(tokenFile, token.trim(), { mode: 0o600 });
      slurm = {
        url: `http://127.0.0.1:${PORTS.REST_PORT}`,
        tokenFile,
        workRoot: join(root, 'jobs'),
        completionFile: join(root, 'log/jobcomp.txt'),
        slurmConf: conf,
        partition: 'gpu',
      };
    });

    // asynchronously: the slurmctld this test restarted is this process's child, and is only
    // reaped (so that slurm-down.sh sees it gone) while the event loop runs
    afterAll(async () => {
      await promisify(execFile)('bash', [join(SCRIPTS, 'slurm-down.sh')], { env: { ...env, WIPE: '1' } });
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
      const child = spawn('slurmctld', ['-D'], {
        env: { ...process.env, SLURM_CONF: conf },
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      writeFileSync(join(root, 'run/slurmctld.bgpid'), String(child.pid));
    }

    function squeue(args: string[]): string {
      return execFileSync('squeue', ['--noheader', ...args], {
        env: { ...process.env, SLURM_CONF: conf },
        encoding: 'utf8',
      });
    }

    /** Puts back in service the nodes a test marked down (an idle node refuses `resume`). */
    function resumeDownNodes(): void {
      const env = { ...process.env, SLURM_CONF: conf };
      const down = execFileSync('sinfo', ['--noheader', '--states=down,drain', '--format=%N'], {
        env,
        encoding: 'utf8',
      });
      for (const nodes of new Set(down.split('\n').filter(Boolean)))
        execFileSync('scontrol', ['update', `nodename=${nodes}`, 'state=resume'], { env, stdio: 'ignore' });
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
        execFileSync(
          'scontrol',
          ['update', `nodename=${node}`, 'state=down', 'reason=usine test: node failure'],
          {
            env: { ...process.env, SLURM_CONF: conf },
          },
        );
        const job = await until((j) => j['status'] !== 'running');
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed' });
        expect(String(job['reason'])).toContain(`node failure (${node})`);
        // Slurm requeued it to start again elsewhere: Usine stopped that rerun
        expect(squeue(['--states=all', '--name', `usine-${id}`, '--format=%T']).trim()).toBe('CANCELLED');
        const logs = await call('GET', `/v1/jobs/${id}/logs`, { key });
        expect(String(logs.body)).toContain('started');
      } finally {
        await factory.close();
        resumeDownNodes();
      }
    }, 120_000);

    it('gives no work to a drained node: a gang that needs it waits, and starts once it is back', async () => {
      const env = { ...process.env, SLURM_CONF: conf };
      execFileSync(
        'scontrol',
        ['update', 'nodename=gpu-2', 'state=drain', 'reason=usine test: maintenance'],
        {
          env,
        },
      );
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
