import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/app/auth/hash-secret.js';
import { openStore } from '../../src/store/open-store.js';
import { TEST_CATALOG } from './factory-fixture.js';
import { runUsineProcess, spawnUsine, type SpawnedUsine } from '../support/spawn-usine.js';

const running: SpawnedUsine[] = [];
const dirs: string[] = [];

async function makeDirs(): Promise<{ dataDir: string; catalog: string }> {
  const base = await mkdtemp(join(tmpdir(), 'usine-datadir-'));
  dirs.push(base);
  const catalog = join(base, 'catalog.yaml');
  await writeFile(catalog, TEST_CATALOG);
  return { dataDir: join(base, 'data'), catalog };
}

async function start(dataDir: string, catalog: string): Promise<SpawnedUsine> {
  const usine = await spawnUsine({ dataDir, catalog });
  running.push(usine);
  return usine;
}

async function stop(usine: SpawnedUsine): Promise<void> {
  const exited = new Promise((resolve) => usine.child.once('exit', resolve));
  usine.child.kill('SIGTERM');
  await exited;
}

const up = (dataDir: string, catalog: string) =>
  runUsineProcess(['up', '--port', '0', '--data-dir', dataDir, '--catalog', catalog, '--log-level', 'error']);

/** Every entry below dir with its mode, links left out. */
async function listModes(dir: string): Promise<{ path: string; mode: number; isDir: boolean }[]> {
  const found: { path: string; mode: number; isDir: boolean }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    found.push({ path, mode: info.mode & 0o777, isDir: info.isDirectory() });
    if (info.isDirectory()) found.push(...(await listModes(path)));
  }
  return found;
}

// One data dir goes through every case in turn (starts are slow on a busy machine: few of them).
/** A real `usine up` takes tens of seconds to start on a loaded machine. */
const SLOW_START_MS = 240_000;

describe('the embedded data dir', () => {
  let dataDir: string;
  let catalog: string;
  let first: SpawnedUsine;
  beforeAll(async () => {
    ({ dataDir, catalog } = await makeDirs());
    first = await start(dataDir, catalog);
  });
  afterAll(async () => {
    for (const usine of running.splice(0)) {
      if (usine.child.exitCode === null && usine.child.signalCode === null) await stop(usine);
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it(
    'is created 0700 with the database files 0600, none open to other users',
    async () => {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const entries = await listModes(join(dataDir, 'db'));
      expect(entries.length).toBeGreaterThan(100);
      expect(entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => e.path)).toEqual([]);
      expect((await stat(join(dataDir, 'admin.key'))).mode & 0o777).toBe(0o600);
    },
    SLOW_START_MS,
  );

  it(
    'refuses a second usine up on it at once, naming the running one, and leaves client.json alone',
    async () => {
      const client = await readFile(join(dataDir, 'client.json'), 'utf8');
      const second = await up(dataDir, catalog);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `usine: the data dir ${dataDir} is in use by another Usine (pid ${first.child.pid}, since `,
      );
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect(await readFile(join(dataDir, 'client.json'), 'utf8')).toBe(client);
      expect((await fetch(new URL('/readyz', first.url))).status).toBe(200);
      const reset = await runUsineProcess(['admin', 'reset-key', '--data-dir', dataDir]);
      expect(reset.code).toBe(1);
      expect(reset.stderr).toContain(
        `the data dir ${dataDir} is in use by another Usine (pid ${first.child.pid}`,
      );
    },
    SLOW_START_MS,
  );

  it(
    'takes over the lock of a Usine of this host that is gone',
    async () => {
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const lock = JSON.parse(await readFile(join(dataDir, 'usine.lock'), 'utf8')) as { host: string };
      expect(lock.host).toBe(hostname());
      const second = await start(dataDir, catalog);
      expect((await fetch(new URL('/readyz', second.url))).status).toBe(200);
      await stop(second);
      expect(existsSync(join(dataDir, 'usine.lock'))).toBe(false);
    },
    SLOW_START_MS,
  );

  it(
    'does not serve a damaged database: the start says so in one sentence, without a trace',
    async () => {
      const control = join(dataDir, 'db', 'global', 'pg_control');
      const intact = await readFile(control);
      await writeFile(control, Buffer.alloc(intact.length, 0x5a));
      const result = await up(dataDir, catalog);
      await writeFile(control, intact);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^usine: the embedded database \S+ cannot be opened \(.*\): it is damaged/m,
      );
      expect(result.stderr).not.toMatch(/ASSERTIONS|\n\s+at /);
      expect(result.stdout).not.toMatch(/is up at/);
    },
    SLOW_START_MS,
  );

  it(
    'resets a lost admin key offline: the old ones revoked, a new admin.key 0600, both audited',
    async () => {
      const old = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
      await rm(join(dataDir, 'admin.key'));
      const result = await runUsineProcess(['admin', 'reset-key', '--data-dir', dataDir]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /^usine: 1 admin key\(s\) revoked \(key_\w+\); the new one, key_\w+, is in /,
      );
      const secret = result.stdout.trim();
      expect(secret).toMatch(/^usk_/);
      expect((await readFile(join(dataDir, 'admin.key'), 'utf8')).trim()).toBe(secret);
      expect((await stat(join(dataDir, 'admin.key'))).mode & 0o777).toBe(0o600);
      const store = await openStore({ dataDir: join(dataDir, 'db') });
      try {
        const [oldKey, newKey] = await store.read(async (tx) => [
          await tx.findApiKeyByHash(hashSecret(old)),
          await tx.findApiKeyByHash(hashSecret(secret)),
        ]);
        expect(oldKey?.revokedAt).not.toBeNull();
        expect(newKey).toMatchObject({ role: 'admin', revokedAt: null });
        const audit = await store.read((tx) => tx.listAudit(0, 1000));
        const actions = audit.filter((e) => e.subject === oldKey?.id || e.subject === newKey?.id);
        expect(actions.map((e) => e.action)).toEqual(['key.create', 'key.revoke', 'key.create']);
      } finally {
        await store.close();
      }
    },
    SLOW_START_MS,
  );

  it(
    'refuses to start over an admin.key whose database is missing, and creates none',
    async () => {
      const { dataDir: other } = await makeDirs();
      await mkdir(other, { mode: 0o700 });
      await writeFile(join(other, 'admin.key'), 'usk_lost\n', { mode: 0o600 });
      const result = await up(other, catalog);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/admin\.key is there but its embedded database .*db is missing/);
      expect(existsSync(join(other, 'db'))).toBe(false);
      expect(existsSync(join(other, 'client.json'))).toBe(false);
    },
    SLOW_START_MS,
  );
});
