import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn(
    '\n*** tenant-attack.test.ts: not root, so jobs cannot run as users of their own: skipped ***\n',
  );

/** What an attacker's job tries from the local site: the server's keys, the other jobs' files. */
const ATTACK = (dataDir: string) => `
const fs = require('node:fs');
const path = require('node:path');
const tryRead = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (e) { return 'denied:' + e.code; } };
const walk = (dir, depth) => {
  let found = [];
  let names;
  try { names = fs.readdirSync(dir); } catch (e) { return ['denied:' + dir + ':' + e.code]; }
  for (const name of names) {
    const file = path.join(dir, name);
    let st; try { st = fs.statSync(file); } catch { continue; }
    if (st.isDirectory() && depth > 0) found = found.concat(walk(file, depth - 1));
    else if (st.isFile()) found.push(file + '=' + tryRead(file).slice(0, 200));
  }
  return found;
};
console.log(JSON.stringify({
  uid: process.getuid(),
  adminKey: tryRead(${JSON.stringify(join(dataDir, 'admin.key'))}),
  agentKey: tryRead(${JSON.stringify(join(dataDir, 'agent-local.key'))}),
  dataDir: walk(${JSON.stringify(dataDir)}, 6),
  jobs: walk('/var/lib/usine/jobs', 3),
  env: Object.keys(process.env).filter((k) => /KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL/i.test(k)),
}));`;

describe.skipIf(!isRoot)('a tenant’s job on the local site, run by `usine up` as root, attacking', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let victim: { key: string };
  let attacker: { key: string };
  let report: string;
  const SECRET = 'victim-secret-6f1c2a';

  const submit = async (owner: { key: string }, name: string, command: string[]) =>
    (
      await call('POST', '/v1/jobs', {
        key: owner.key,
        body: JOB_YAML(name, JSON.stringify(command)),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
      })
    ).body['id'] as string;
  const finished = async (owner: { key: string }, id: string) => {
    for (let i = 0; i < 600; i++) {
      const job = (await call('GET', `/v1/jobs/${id}`, { key: owner.key })).body;
      if (['succeeded', 'failed', 'cancelled'].includes(job['status'] as string)) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not finish`);
  };

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    victim = await createOwner(call, factory.adminKey, 'victim');
    attacker = await createOwner(call, factory.adminKey, 'attacker');
    // the victim's job writes its secret to its output and to a file of its own, and stays up
    const victimJob = await submit(victim, 'victim', [
      process.execPath,
      '-e',
      `require('fs').writeFileSync('notes.txt', '${SECRET}'); console.log('${SECRET}'); setTimeout(() => {}, 8000)`,
    ]);
    for (let i = 0; i < 300; i++) {
      const logs = await fetch(new URL(`/v1/jobs/${victimJob}/logs`, factory.url), {
        headers: { authorization: `Bearer ${victim.key}` },
      });
      if ((await logs.text()).includes(SECRET)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const attack = await submit(attacker, 'attack', [process.execPath, '-e', ATTACK(factory.dataDir)]);
    const job = await finished(attacker, attack);
    expect(job['status']).toBe('succeeded');
    const logs = await fetch(new URL(`/v1/jobs/${attack}/logs`, factory.url), {
      headers: { authorization: `Bearer ${attacker.key}` },
    });
    report = await logs.text();
  }, 180_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('runs as a user of its own, not as the server’s root', () => {
    const seen = JSON.parse(report) as { uid: number };
    expect(seen.uid).toBeGreaterThanOrEqual(61000);
  });

  it('reads neither the admin key nor the agent’s credential, and finds no key in its environment', () => {
    const seen = JSON.parse(report) as { adminKey: string; agentKey: string; env: string[] };
    expect(seen.adminKey).toMatch(/^denied:/);
    expect(seen.agentKey).toMatch(/^denied:/);
    expect(seen.env).toEqual([]);
    expect(report).not.toContain(factory.adminKey);
    expect(report).not.toContain(readFileSync(join(factory.dataDir, 'agent-local.key'), 'utf8').trim());
  });

  it('reads nothing of the other tenant’s job: not its output, not its files', () => {
    expect(report).not.toContain(SECRET);
  });
});
