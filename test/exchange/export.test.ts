import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { verifyExport } from '../../src/app/exchange/verify-export.js';
import type { ExportManifest } from '../../src/domain/exchange/export-manifest.js';
import { EXPORT_FILES } from '../../src/domain/exchange/export-manifest.js';
import { createDirectorySource } from '../../src/server/exchange/directory-source.js';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { SERVICE } from '../server/role-matrix-table.js';
import { runUsine } from '../support/run-cli.js';
import { downloadExport, OLD_MONTH, seedTenant } from './exchange-fixture.js';

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const lines = (dir: string, path: string) =>
  read(dir, path)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('usine export', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let seeded: Awaited<ReturnType<typeof seedTenant>>;
  let exported: Awaited<ReturnType<typeof downloadExport>>;

  beforeAll(async () => {
    factory = await startTestFactory();
    seeded = await seedTenant(factory, 'leaving-co');
    await seedTenant(factory, 'staying-co');
    exported = await downloadExport(factory.url, seeded.ownerKey);
  }, 60_000);
  afterAll(() => factory?.close());

  /** A copy of the export to damage. */
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'usine-export-damaged-'));
    cpSync(exported.dir, dir, { recursive: true });
    return dir;
  };
  const verify = (dir: string, publicKeyPem?: string) =>
    verifyExport(createDirectorySource(dir), publicKeyPem === undefined ? {} : { publicKeyPem });

  it('streams a whole ustar archive with every file of the format and a signed manifest', () => {
    expect(exported.contentType).toBe('application/x-tar');
    expect(exported.complete).toBe(true);
    expect([...exported.files].sort()).toEqual(
      [...Object.keys(EXPORT_FILES), 'manifest.json', 'manifest.sig'].sort(),
    );
    const manifest = JSON.parse(read(exported.dir, 'manifest.json')) as ExportManifest;
    expect(manifest).toMatchObject({
      format: 'usine-export',
      version: 1,
      tenant: { id: seeded.tenantId, name: 'leaving-co' },
    });
    expect(manifest.files.find((f) => f.path === 'jobs.jsonl')?.rows).toBe(2);
  });

  it('writes the jobs with their decision and outcome, and their specs as submitted, in the same order', () => {
    const jobs = lines(exported.dir, 'jobs.jsonl');
    expect(jobs.map((j) => [j['id'], j['status']])).toEqual([
      [seeded.jobs.ran, 'succeeded'],
      [seeded.jobs.infeasible, 'unplaceable'],
    ]);
    expect(jobs[0]).toMatchObject({ site: 'sim-paris', labels: { team: 'eyes' }, idempotencyKey: 'ran' });
    const specs = parseAllDocuments(read(exported.dir, 'specs.yaml')).map(
      (d) => d.toJS() as { metadata: { name: string }; spec: { env: unknown } },
    );
    expect(specs.map((s) => s.metadata.name)).toEqual(['ran', 'infeasible']);
    expect(specs[0]?.spec.env).toEqual({ SEED: '7' });
    const events = lines(exported.dir, 'events.jsonl');
    expect(events.filter((e) => e['jobId'] === seeded.jobs.ran).length).toBeGreaterThan(2);
  });

  it('writes usage as JSON Lines and CSV, the same rows, and the invoices they make', () => {
    const usage = lines(exported.dir, 'usage.jsonl');
    const csv = read(exported.dir, 'usage.csv').trim().split('\r\n');
    expect(csv).toHaveLength(usage.length + 1);
    expect(usage.some((u) => String(u['start']).startsWith(OLD_MONTH))).toBe(true);
    const invoices = JSON.parse(read(exported.dir, 'invoices.json')) as {
      id: string;
      status: string;
      taxRate: string;
    }[];
    expect(invoices.find((i) => i.id === `inv_${OLD_MONTH}_EUR`)).toMatchObject({
      status: 'final',
      taxRate: '0.20',
    });
    expect(JSON.parse(read(exported.dir, 'billing.json'))).toMatchObject({
      taxRate: '0.20',
      markups: { vision: '0.25' },
    });
    expect(JSON.parse(read(exported.dir, 'budgets.json'))).toEqual([
      expect.objectContaining({ scope: 'tenant', limit: '900 EUR' }),
    ]);
  });

  it('holds only the tenant’s own rows, and no key secret nor its hash', () => {
    const all = readdirSync(exported.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
      .join('\n');
    expect(all).not.toContain('staying-co');
    expect(all).not.toContain(seeded.ownerKey);
    expect(all).not.toMatch(/secretHash|secret_hash/);
    expect(lines(exported.dir, 'keys.jsonl')).toEqual([
      expect.objectContaining({ role: 'owner', revokedAt: null }),
    ]);
    expect(lines(exported.dir, 'audit/entries.jsonl').every((e) => e['tenantId'] === seeded.tenantId)).toBe(
      true,
    );
  });

  it('verifies offline: the signature, every file, and the audit entries against the signed tenant checkpoints', async () => {
    const key = (await (await fetch(new URL('/v1/audit/public-key', factory.url))).json()) as {
      publicKey: string;
    };
    const result = await verify(exported.dir, key.publicKey);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, key: { from: 'given' } });
    const entries = lines(exported.dir, 'audit/entries.jsonl');
    expect(result.audit).toEqual([{ segment: 'audit', entries: entries.length }]);
    expect(entries.at(-1)).toMatchObject({ action: 'tenant.export' });
  });

  it('finds a row edited, removed or added, and a file added or removed', async () => {
    const edited = copy();
    writeFileSync(
      join(edited, 'usage.jsonl'),
      read(edited, 'usage.jsonl').replace('"milliGpus":2000', '"milliGpus":1000'),
    );
    expect((await verify(edited)).problems).toEqual([
      expect.objectContaining({ path: 'usage.jsonl', kind: 'edited' }),
    ]);

    const removed = copy();
    const jobLines = read(removed, 'jobs.jsonl').split('\n');
    writeFileSync(join(removed, 'jobs.jsonl'), jobLines.slice(1).join('\n'));
    const removedProblems = (await verify(removed)).problems;
    expect(removedProblems).toContainEqual(expect.objectContaining({ path: 'jobs.jsonl', kind: 'rows' }));
    expect(removedProblems.map((p) => p.message).join('\n')).toContain('1 removed');

    const added = copy();
    const usageCsv = read(added, 'usage.csv');
    writeFileSync(join(added, 'usage.csv'), usageCsv + usageCsv.split('\r\n')[1] + '\r\n');
    expect((await verify(added)).problems.map((p) => p.message)).toEqual([
      'usage.csv: 3 rows, the manifest says 2 (1 added)',
    ]);

    const extra = copy();
    writeFileSync(join(extra, 'notes.txt'), 'hello');
    expect((await verify(extra)).problems).toEqual([
      expect.objectContaining({ path: 'notes.txt', kind: 'added' }),
    ]);
  });

  it('finds a manifest rewritten to match an edit: its signature no longer verifies', async () => {
    const dir = copy();
    const text = read(dir, 'budgets.json').replace('900 EUR', '9000 EUR');
    writeFileSync(join(dir, 'budgets.json'), text);
    const manifest = JSON.parse(read(dir, 'manifest.json')) as ExportManifest;
    const { createHash } = await import('node:crypto');
    const files = manifest.files.map((f) =>
      f.path === 'budgets.json'
        ? { ...f, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) }
        : f,
    );
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
    expect((await verify(dir)).problems).toEqual([expect.objectContaining({ kind: 'signature' })]);
  });

  it('finds an audit entry edited, even with the manifest left unsigned by another key', async () => {
    const dir = copy();
    writeFileSync(
      join(dir, 'audit/entries.jsonl'),
      read(dir, 'audit/entries.jsonl').replace('"job.submit"', '"job.cancel"'),
    );
    const problems = (await verify(dir)).problems;
    expect(problems).toContainEqual(expect.objectContaining({ path: 'audit/entries.jsonl', kind: 'audit' }));
  });

  it('refuses an export signed by another factory’s key when you give yours', async () => {
    const other = await startTestFactory();
    try {
      const key = (await (await fetch(new URL('/v1/audit/public-key', other.url))).json()) as {
        publicKey: string;
      };
      const result = await verify(exported.dir, key.publicKey);
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => p.kind)).toContain('signature');
    } finally {
      await other.close();
    }
  });

  it('lets the operator export a tenant it names, and no tenant key another’s', async () => {
    const call = api(factory.url);
    expect((await call('GET', '/v1/export', { key: factory.adminKey })).status).toBe(400);
    expect((await call('GET', '/v1/export?tenant=ten_nobody', { key: factory.adminKey })).status).toBe(404);
    const other = await call('GET', `/v1/export?tenant=ten_someone_else`, { key: seeded.ownerKey });
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    const byOperator = await downloadExport(factory.url, factory.adminKey, seeded.tenantId);
    expect(lines(byOperator.dir, 'jobs.jsonl')).toHaveLength(2);
  });

  it('usine export writes a directory or a .tar that usine export verify accepts, and exits 1 on a damaged one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'usine-export-cli-'));
    const env = { USINE_URL: factory.url, USINE_API_KEY: seeded.ownerKey };
    const toDir = await runUsine(['export', '--to', 'out'], { cwd, env });
    expect(toDir.code, toDir.stderr).toBe(0);
    const toTar = await runUsine(['export', '--to', 'out.tar'], { cwd, env });
    expect(toTar.code, toTar.stderr).toBe(0);
    for (const target of ['out', 'out.tar']) {
      const checked = await runUsine(['export', 'verify', target], { cwd });
      expect(checked.code, checked.stdout).toBe(0);
      expect(checked.stdout).toMatch(/^ok: tenant leaving-co/);
    }
    writeFileSync(join(cwd, 'out', 'jobs.jsonl'), '');
    const damaged = await runUsine(['export', 'verify', 'out', '--json'], { cwd });
    expect(damaged.code).toBe(1);
    expect(JSON.parse(damaged.stdout)).toMatchObject({ ok: false });
  });

  it('writes each service with every revision of its spec', async () => {
    const call = api(factory.url);
    const owner = await createOwner(call, factory.adminKey, 'serving-co');
    const served = await call('POST', '/v1/services', {
      key: owner.key,
      body: SERVICE('chat'),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'chat' },
    });
    expect(served.status).toBeLessThan(300);
    const dir = (await downloadExport(factory.url, owner.key)).dir;
    expect(lines(dir, 'services.jsonl')).toEqual([
      expect.objectContaining({
        name: 'chat',
        state: 'active',
        revisions: [
          expect.objectContaining({ revision: 1, document: expect.objectContaining({ kind: 'Service' }) }),
        ],
      }),
    ]);
    expect((await verify(dir)).problems).toEqual([]);
  });
});
