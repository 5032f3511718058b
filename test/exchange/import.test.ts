import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/audit/canonical-json.js';
import { ImportRefused } from '../../src/app/exchange/import-tenant.js';
import { verifyExport } from '../../src/app/exchange/verify-export.js';
import type { ExportManifest } from '../../src/domain/exchange/export-manifest.js';
import { importOffline } from '../../src/server/data-dir/import-offline.js';
import { createDirectorySource } from '../../src/server/exchange/directory-source.js';
import { api, startTestFactory } from '../server/factory-fixture.js';
import { createTestSchema, dropTestSchemas, TEST_DATABASE_URL } from '../store/store-backends.js';
import { runUsine } from '../support/run-cli.js';
import { downloadExport, seedTenant } from './exchange-fixture.js';

/** What a second export differs in, and why (docs/export-format.md, "Round trip"). */
const DIFFERENT = [
  'manifest.json', // exportedAt, and the hashes of the files below
  'manifest.sig',
  'public-key.pem', // the new factory's key
  'keys.jsonl', // keys are not imported: their secrets never left
  'audit/entries.jsonl', // the new factory's own entries (the import, the export)
  'audit/tenant-checkpoints.jsonl',
];

describe('usine import: export → import into the other engine → export', () => {
  let source: Awaited<ReturnType<typeof startTestFactory>>;
  let seeded: Awaited<ReturnType<typeof seedTenant>>;
  let first: Awaited<ReturnType<typeof downloadExport>>;
  const targetDir = mkdtempSync(join(tmpdir(), 'usine-import-target-'));
  let databaseUrl: string | undefined;
  const files = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExportManifest).files;
  const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

  beforeAll(async () => {
    source = await startTestFactory();
    seeded = await seedTenant(source, 'moving-co');
    first = await downloadExport(source.url, seeded.ownerKey);
    // the source ran on PGlite: the copy goes to PostgreSQL when there is one
    databaseUrl = TEST_DATABASE_URL ? (await createTestSchema()).url : undefined;
  }, 60_000);
  afterAll(async () => {
    await source?.close();
    await dropTestSchemas();
  });

  it('imports into a fresh Usine, ids kept, every invoice derived again equal to the cent', async () => {
    const report = await importOffline(targetDir, first.dir, databaseUrl ? { databaseUrl } : {});
    expect(report).toMatchObject({
      ok: true,
      ids: 'kept',
      tenantCreated: true,
      tenant: { id: seeded.tenantId, name: 'moving-co' },
      inserted: { jobs: 2 },
      cancelled: [],
      unmetered: [],
    });
    expect(report.inserted.usage).toBe(files(first.dir).find((f) => f.path === 'usage.jsonl')?.rows);
    expect(report.invoices.different).toEqual([]);
    expect(report.invoices.equal).toBe(report.invoices.checked);
    expect(report.invoices.checked).toBeGreaterThanOrEqual(2);
  });

  it('changes nothing when the same export is imported again', async () => {
    const again = await importOffline(targetDir, first.dir, databaseUrl ? { databaseUrl } : {});
    expect(again).toMatchObject({
      ok: true,
      tenantCreated: false,
      inserted: { jobs: 0, events: 0, usage: 0, auditEntries: 0 },
    });
  });

  it('exports again the same files but the documented ones, with the first audit kept as a verifiable foreign segment', async () => {
    const target = await startTestFactory({ dataDir: targetDir, ...(databaseUrl ? { databaseUrl } : {}) });
    try {
      const second = await downloadExport(target.url, target.adminKey, seeded.tenantId);
      const differing = files(first.dir)
        .filter((f) => read(first.dir, f.path) !== read(second.dir, f.path))
        .map((f) => f.path);
      expect(differing.sort()).toEqual(
        DIFFERENT.filter((p) => p !== 'manifest.json' && p !== 'manifest.sig').sort(),
      );
      const firstKey = (JSON.parse(read(first.dir, 'manifest.json')) as ExportManifest).source.auditKeyId;
      for (const file of ['entries.jsonl', 'tenant-checkpoints.jsonl', 'erasures.jsonl', 'public-key.pem'])
        expect(read(second.dir, `audit/foreign/${firstKey}/${file}`)).toBe(
          read(first.dir, file === 'public-key.pem' ? file : `audit/${file}`),
        );
      const verified = await verifyExport(createDirectorySource(second.dir));
      expect(verified.problems).toEqual([]);
      expect(verified.audit.map((s) => s.segment)).toEqual(['audit', `audit/foreign/${firstKey}`]);
      const actions = read(second.dir, 'audit/entries.jsonl')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { action: string }).action);
      expect(actions).toEqual(['tenant.import', 'tenant.export']);
      // the tenant's invoices, served by the new factory, are the exported ones
      const owner = await api(target.url)('POST', `/v1/tenants/${seeded.tenantId}/keys`, {
        key: target.adminKey,
        json: { role: 'owner' },
      });
      const exported = JSON.parse(read(first.dir, 'invoices.json')) as { id: string; month: string }[];
      for (const invoice of exported) {
        const served = await api(target.url)('GET', `/v1/invoices?month=${invoice.month}`, {
          key: owner.body['key'] as string,
        });
        expect(served.body.items?.map((i) => canonicalJson(i))).toEqual([canonicalJson(invoice)]);
      }
    } finally {
      await target.close();
    }
  });

  it('reports an invoice the imported usage no longer gives, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usine-import-drift-'));
    await importOffline(dir, first.dir);
    // usage this Usine recorded for the tenant since: the old month's invoice would differ
    const { openDataDir } = await import('../../src/server/data-dir/open-data-dir.js');
    const { store, lock } = await openDataDir(dir, {});
    const exported = JSON.parse(read(first.dir, 'invoices.json')) as { month: string; status: string }[];
    const month = exported.find((i) => i.status === 'final')?.month ?? '';
    await store.transaction((tx) =>
      tx.appendUsage([
        {
          key: 'ext:drift',
          tenantId: seeded.tenantId,
          project: 'vision',
          jobId: null,
          site: 'sim-paris',
          gpuModel: 'H100',
          offering: 'on-demand',
          milliGpus: 1000,
          start: `${month}-12T08:00:00.000Z`,
          end: `${month}-12T09:00:00.000Z`,
          energyWh: { coefficient: 700n, scale: 0 },
          pricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
          minimumSeconds: null,
          isFinal: true,
          timeScale: 1,
          invoiceMonth: null,
          correction: null,
        },
      ]),
    );
    await store.close();
    await lock.release();
    const cli = await runUsine(['import', first.dir, '--data-dir', dir, '--json'], { env: {} });
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as { ok: boolean; invoices: { different: string[] } };
    expect(report.ok).toBe(false);
    expect(report.invoices.different).toEqual([
      `inv_${month}_EUR: total 12.00 EUR from the imported usage, 9.00 EUR in the export`,
    ]);
  });

  it('refuses an export with an edited row, and writes nothing', async () => {
    const damaged = mkdtempSync(join(tmpdir(), 'usine-import-damaged-'));
    cpSync(first.dir, damaged, { recursive: true });
    writeFileSync(
      join(damaged, 'usage.jsonl'),
      read(damaged, 'usage.jsonl').replace('"milliGpus":2000', '"milliGpus":9000'),
    );
    const fresh = mkdtempSync(join(tmpdir(), 'usine-import-fresh-'));
    await expect(importOffline(fresh, damaged)).rejects.toBeInstanceOf(ImportRefused);
    const cli = await runUsine(['import', damaged, '--data-dir', fresh], { env: {} });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('usage.jsonl: its SHA-256 is not the manifest');
    const ok = await runUsine(['import', first.dir, '--data-dir', fresh, '--json'], { env: {} });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, tenantCreated: true });
  });
});
