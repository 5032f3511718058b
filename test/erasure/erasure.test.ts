import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src/app/exchange/verify-export.js';
import { createDirectorySource } from '../../src/server/exchange/directory-source.js';
import { downloadExport, seedTenant } from '../exchange/exchange-fixture.js';
import { api, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

describe('erasure of a tenant’s personal data (GDPR Art. 17)', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let seeded: Awaited<ReturnType<typeof seedTenant>>;
  let logged: string;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    seeded = await seedTenant(factory, 'forget-me');
    await seedTenant(factory, 'remember-me');
    const submitted = await call('POST', '/v1/jobs', {
      key: seeded.ownerKey,
      body: JOB_YAML('alice-notebook', undefined, '  env: { PATIENT: "Alice Martin" }\n'),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'alice' },
    });
    logged = submitted.body['id'] as string;
    for (let i = 0; i < 300; i++) {
      const logs = await fetch(new URL(`/v1/jobs/${logged}/logs`, factory.url), {
        headers: { authorization: `Bearer ${seeded.ownerKey}` },
      });
      if ((await logs.text()).includes('hello from usine')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);
  afterAll(() => factory?.close());

  it('is the operator’s alone', async () => {
    const refused = await call('POST', `/v1/tenants/${seeded.tenantId}/erasure`, {
      key: seeded.ownerKey,
      json: { reason: 'mine' },
    });
    expect(refused.status).toBe(403);
  });

  it('erases env values, labels, job names and logs, lists what it keeps and why, and the chain still verifies', async () => {
    const before = await call('GET', `/v1/jobs/${logged}`, { key: seeded.ownerKey });
    expect(JSON.stringify(before.body)).toContain('Alice Martin');
    const erased = await call('POST', `/v1/tenants/${seeded.tenantId}/erasure`, {
      key: factory.adminKey,
      json: { reason: 'request of 2026-12-03, ticket 42' },
    });
    expect(erased.status).toBe(200);
    expect(erased.body['erased']).toMatchObject({ jobs: 3, envValues: 3, labels: 2 });
    expect((erased.body['erased'] as { auditEntries: number }).auditEntries).toBeGreaterThanOrEqual(3);
    expect((erased.body['erased'] as { logChunks: number }).logChunks).toBeGreaterThan(0);
    expect(JSON.stringify(erased.body['kept'])).toContain('accounting law');

    const job = await call('GET', `/v1/jobs/${logged}`, { key: seeded.ownerKey });
    const text = JSON.stringify(job.body);
    expect(text).not.toContain('Alice Martin');
    expect(text).not.toContain('alice-notebook');
    const logs = await fetch(new URL(`/v1/jobs/${logged}/logs`, factory.url), {
      headers: { authorization: `Bearer ${seeded.ownerKey}` },
    });
    expect(await logs.text()).not.toContain('hello from usine');

    const audit = await call('GET', '/v1/audit?limit=1000', { key: factory.adminKey });
    const entries = audit.body.items as { action: string; tenantId: string; data: unknown }[];
    const mine = entries.filter((e) => e.tenantId === seeded.tenantId);
    expect(JSON.stringify(mine)).not.toContain('alice-notebook');
    expect(mine.find((e) => e.action === 'tenant.erase')?.data).toMatchObject({
      reason: 'request of 2026-12-03, ticket 42',
      kept: expect.arrayContaining([expect.objectContaining({ what: 'usage records and invoices' })]),
    });
    // the other tenant's entries are untouched
    expect(JSON.stringify(entries.filter((e) => e.tenantId !== seeded.tenantId))).toContain('"name":"ran"');
    const verified = await call('GET', '/v1/audit/verify?full=true', { key: factory.adminKey });
    expect(verified.body).toMatchObject({ ok: true });
    // the tenant verifies its own entries, the erased ones with them
    const own = await runUsine(['audit', 'verify', '--json'], {
      env: { USINE_URL: factory.url, USINE_API_KEY: seeded.ownerKey },
    });
    expect(own.code, own.stdout).toBe(0);
  });

  it('keeps the usage and invoices, and an export after it verifies offline', async () => {
    const invoices = await call('GET', '/v1/invoices', { key: seeded.ownerKey });
    expect(invoices.body.items?.length).toBeGreaterThan(0);
    const exported = await downloadExport(factory.url, seeded.ownerKey);
    const result = await verifyExport(createDirectorySource(exported.dir));
    expect(result.problems).toEqual([]);
    const everything = exported.files.map((f) => readFileSync(join(exported.dir, f), 'utf8')).join('\n');
    for (const personal of ['Alice Martin', 'alice-notebook', '"team"'])
      expect(everything).not.toContain(personal);
    expect(readFileSync(join(exported.dir, 'logs.jsonl'), 'utf8')).toBe('');
    const cli = await runUsine(['tenants', 'erase', seeded.tenantId, '--reason', 'again', '--json'], {
      env: { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey },
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ erased: { auditEntries: 0 } });
    const again = await call('GET', '/v1/audit/verify?full=true', { key: factory.adminKey });
    expect(again.body).toMatchObject({ ok: true });
  });
});
