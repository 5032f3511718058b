import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { api, createOwner } from '../server/factory-fixture.js';
import {
  findTestSlurms,
  makeSlurmWorkDir,
  slurmCatalog,
  slurmCommand,
  skipSlurmSuite,
  slurmJob,
  type TestSlurm,
} from './slurm-subject.js';
import { spawnUsine } from '../support/spawn-usine.js';

const clusters = await findTestSlurms();

function startUsine(dataDir: string, catalog: string) {
  return spawnUsine({ dataDir, catalog });
}

const JOB = slurmJob('slurm-restart', 6);

async function waitForStatus(
  call: ReturnType<typeof api>,
  key: string,
  id: string,
  wanted: (status: string) => boolean,
  seconds = 100,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < seconds * 10; i += 1) {
    const job = (await call('GET', `/v1/jobs/${id}`, { key })).body as Record<string, unknown>;
    if (wanted(String(job['status']))) return job;
    await sleep(100);
  }
  throw new Error(`job ${id} never reached the wanted status`);
}

/** How many Slurm jobs carry the Usine job's name, finished ones included. */
function countSlurmJobs(slurm: TestSlurm, jobId: string): number {
  const names = slurmCommand(slurm, 'squeue', ['--noheader', '--states=all', '--format=%j']);
  return names.split('\n').filter((name) => name === `usine-${jobId}`).length;
}

if (typeof clusters === 'string') skipSlurmSuite('the Usine-on-Slurm restart test', clusters);
else {
  describe.each(clusters.map((slurm) => [slurm.label, slurm] as const))(
    'usine on a real Slurm %s',
    (_, slurm) => {
      it('adopts a job after kill -9 of Usine mid-run, finishes it once, and submits it once', async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'usine-slurm-restart-'));
        const catalog = join(dataDir, 'catalog.yaml');
        writeFileSync(catalog, slurmCatalog(slurm, makeSlurmWorkDir(slurm)));
        const first = await startUsine(dataDir, catalog);
        const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
        let call = api(first.url);
        const { key } = await createOwner(call, admin, 'hpc-user');
        const submitted = await call('POST', '/v1/jobs', {
          key,
          body: JOB,
          headers: { 'content-type': 'application/yaml', 'idempotency-key': 'slurm-restart-1' },
        });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
        const id = submitted.body['id'] as string;
        const running = await waitForStatus(call, key, id, (s) => s === 'running');
        expect(String(running['handle'] ?? 'slurm:')).toMatch(/^slurm:/);
        first.child.kill('SIGKILL');
        await new Promise((r) => first.child.once('exit', r));

        const second = await startUsine(dataDir, catalog);
        call = api(second.url);
        const done = await waitForStatus(
          call,
          key,
          id,
          (s) => !['queued', 'placed', 'admitted', 'running'].includes(s),
        );
        expect(done['status']).toBe('succeeded');
        expect(countSlurmJobs(slurm, id)).toBe(1);
        const audit = (await call('GET', '/v1/audit?limit=1000', { key: admin })).body.items as {
          action: string;
          subject: string;
        }[];
        expect(audit.filter((e) => e.subject === id && e.action === 'job.launch')).toHaveLength(1);
        expect(audit.filter((e) => e.subject === id && e.action === 'job.finish')).toHaveLength(1);
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }, 240_000);
    },
  );
}
