import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalExecutor } from '../../src/executors/local/local-executor.js';
import { buildRequest, readAllLogs, waitForFinalStatus } from './executor-contract.js';
import { cleanWorkDir, makeLocalExecutor, runNode } from './local-subject.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn(
    '\n*** local-isolation.test.ts: not root, so jobs cannot run as users of their own: skipped ***\n',
  );
}

const passTime = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const job = (command: string[]) => ({ command, env: {}, durationSeconds: 1 });

/** What a job tells of itself: who it runs as, where, and what it could read. */
const SNOOP = `
const fs = require('node:fs');
const tryRead = (file) => { try { fs.readFileSync(file, 'utf8'); return 'read'; } catch (e) { return e.code; } };
console.log(JSON.stringify({
  uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), cwd: process.cwd(),
  home: process.env.HOME, adminKey: tryRead(process.env.ADMIN_KEY),
  noNewPrivs: fs.readFileSync('/proc/self/status', 'utf8').match(/NoNewPrivs:\\s*(\\d)/)[1],
}));`;

interface Snoop {
  uid: number;
  gid: number;
  groups: number[];
  cwd: string;
  home: string;
  adminKey: string;
  noNewPrivs: string;
}

describe.skipIf(!isRoot)('local executor run by root: a job runs as a user of its own', () => {
  let dataDir: string;
  let jobsRoot: string;
  let executor: LocalExecutor;
  beforeAll(async () => {
    // the data dir as `usine up` makes it, the local site's work dir inside it, the admin key beside
    dataDir = await mkdtemp(join(tmpdir(), 'usine-iso-data-'));
    await writeFile(join(dataDir, 'admin.key'), 'usine_admin_secret\n', { mode: 0o600 });
    jobsRoot = await mkdtemp(join(tmpdir(), 'usine-iso-jobs-'));
    executor = makeLocalExecutor(join(dataDir, 'sites', 'local'), { isolation: { jobsRoot } });
  });
  afterAll(async () => {
    await executor.close();
    await cleanWorkDir(join(dataDir, 'sites', 'local'));
    await rm(dataDir, { recursive: true, force: true });
    await rm(jobsRoot, { recursive: true, force: true });
  });

  async function snoop(jobId: string): Promise<Snoop> {
    const request = buildRequest(jobId, {
      ...job(runNode(SNOOP)),
      env: { ADMIN_KEY: join(dataDir, 'admin.key') },
    });
    const handle = await executor.launch(request);
    const status = await waitForFinalStatus({ executor, passTime }, handle);
    const output = await readAllLogs(executor, handle);
    expect(status.state, output).toBe('succeeded');
    return JSON.parse(output) as Snoop;
  }

  it('cannot read the admin key beside the data dir, and is not root', async () => {
    const seen = await snoop('job_snoop_key');
    expect(seen.adminKey).toBe('EACCES');
    expect(seen.uid).not.toBe(0);
  });

  it('runs with a uid and gid of the range, no supplementary groups and no_new_privs', async () => {
    const seen = await snoop('job_snoop_ids');
    expect(seen.uid).toBeGreaterThanOrEqual(61000);
    expect(seen.uid).toBeLessThanOrEqual(61999);
    expect(seen.gid).toBe(seen.uid);
    expect(seen.groups.filter((g) => g !== seen.gid)).toEqual([]);
    expect(seen.noNewPrivs).toBe('1');
  });

  it('works in a directory of its own, 0700 and its own, outside the data dir and Usine’s cwd', async () => {
    const seen = await snoop('job_snoop_cwd');
    expect(seen.cwd).toBe(join(jobsRoot, 'job_snoop_cwd'));
    expect(seen.home).toBe(seen.cwd);
    expect(seen.cwd.startsWith(dataDir)).toBe(false);
    expect(seen.cwd.startsWith(process.cwd())).toBe(false);
    const dir = await stat(seen.cwd);
    expect(dir.mode & 0o777).toBe(0o700);
  });

  it('gives two jobs running at once two different users', async () => {
    const hold = runNode(`console.log(process.getuid()); setTimeout(() => {}, 1500)`);
    const handles = await Promise.all([
      executor.launch(buildRequest('job_pair_a', job(hold))),
      executor.launch(buildRequest('job_pair_b', job(hold))),
    ]);
    const uids = [];
    for (const handle of handles) {
      await waitForFinalStatus({ executor, passTime }, handle);
      uids.push(Number((await readAllLogs(executor, handle)).trim()));
    }
    expect(uids[0]).not.toBe(uids[1]);
  });

  it('leaves nothing owned by its user once it ended (a later job given the uid sees nothing)', async () => {
    const script = `require('node:fs').writeFileSync('left-behind.txt', 'secret'); console.log(process.getuid())`;
    const handle = await executor.launch(buildRequest('job_leftover', job(runNode(script))));
    await waitForFinalStatus({ executor, passTime }, handle);
    const left = await stat(join(jobsRoot, 'job_leftover', 'left-behind.txt'));
    expect(left.uid).toBe(0);
    expect((await stat(join(jobsRoot, 'job_leftover'))).uid).toBe(0);
  });

  it('keeps the log readable by the runner and no one else', async () => {
    const handle = await executor.launch(buildRequest('job_log', job(runNode(`console.log('out')`))));
    await waitForFinalStatus({ executor, passTime }, handle);
    const log = join(dataDir, 'sites', 'local', 'jobs', 'job_log', 'output.log');
    expect(await readFile(log, 'utf8')).toBe('out\n');
    expect((await stat(log)).mode & 0o077).toBe(0);
    expect((await stat(join(dataDir, 'sites', 'local', 'jobs', 'job_log'))).mode & 0o077).toBe(0);
  });

  it('keeps only the PATH entries its user may search, so a private one hides no public program', async () => {
    const env = { PATH: `${join(dataDir, 'bin')}:/usr/bin:/bin` };
    const handle = await executor.launch(
      buildRequest('job_path', { ...job(['sh', '-c', 'echo $PATH']), env }),
    );
    await waitForFinalStatus({ executor, passTime }, handle);
    expect(await readAllLogs(executor, handle)).toBe('/usr/bin:/bin\n');
  });

  it('cannot start a program it may not run, saying so in the log', async () => {
    const secretDir = join(dataDir, 'bin');
    await mkdir(secretDir, { recursive: true });
    await writeFile(join(secretDir, 'tool'), '#!/bin/sh\necho ran\n');
    await chmod(join(secretDir, 'tool'), 0o755);
    const handle = await executor.launch(buildRequest('job_forbidden', job([join(secretDir, 'tool')])));
    const status = await waitForFinalStatus({ executor, passTime }, handle);
    expect(status.state).toBe('failed');
    expect(await readAllLogs(executor, handle)).toMatch(/Permission denied/);
  });
});
