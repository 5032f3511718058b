import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditPublicKey } from '../../src/app/audit/audit-keys.js';
import { encodeCheckpoint, encodeTenantCheckpoint } from '../../src/domain/audit/checkpoint.js';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

interface CheckpointBody {
  tenantId?: string;
  count: number;
  headHash: string;
  at: string;
  signature: string;
}

describe('the audit chain over HTTP and in `usine audit verify`', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: { tenantId: string; key: string };
  let witnessFile: string;
  const cli = (args: string[], key: string) =>
    runUsine(['audit', 'verify', '--url', factory.url, '--api-key', key, ...args]);

  beforeAll(async () => {
    witnessFile = join(mkdtempSync(join(tmpdir(), 'usine-witness-')), 'audit.jsonl');
    factory = await startTestFactory({
      audit: { witnessFile, checkpointEvery: 5, checkpointIntervalMs: 60_000 },
    });
    call = api(factory.url);
    owner = await createOwner(call, factory.adminKey, 'acme');
    await createOwner(call, factory.adminKey, 'globex');
    for (let i = 0; i < 3; i++)
      await call('POST', '/v1/jobs', {
        key: owner.key,
        body: JOB_YAML(`j${i}`),
        headers: { 'idempotency-key': `k${i}`, 'content-type': 'application/yaml' },
      });
    await call('GET', '/v1/audit/verify', { key: factory.adminKey });
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('keeps its signing key beside admin.key, mode 0600, and publishes the public key', async () => {
    expect(statSync(join(factory.dataDir, 'audit.key')).mode & 0o777).toBe(0o600);
    const published = await call('GET', '/v1/audit/public-key');
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ algorithm: 'Ed25519' });
    expect(readFileSync(join(factory.dataDir, 'audit.key'), 'utf8')).not.toContain(
      published.body['publicKey'] as string,
    );
  });

  it('signs checkpoints, kept in the database and appended to the witness file, that verify with the public key', async () => {
    const key = readAuditPublicKey((await call('GET', '/v1/audit/public-key')).body['publicKey'] as string);
    const page = await call('GET', '/v1/audit/checkpoints', { key: factory.adminKey });
    const items = page.body['items'] as CheckpointBody[];
    expect(items.length).toBeGreaterThan(0);
    for (const c of items) expect(key.verify(encodeCheckpoint(c), c.signature)).toBe(true);
    const witnessed = readFileSync(witnessFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CheckpointBody);
    expect(witnessed.map((c) => c.count)).toEqual(items.map((c) => c.count));
  });

  it('verifies the chain for the operator, and against a checkpoint the caller brings', async () => {
    const verify = await call('GET', '/v1/audit/verify', { key: factory.adminKey });
    expect(verify.body).toMatchObject({ ok: true, scope: 'factory' });
    const { entries, headHash } = verify.body as { entries: number; headHash: string };
    expect(
      (await call('GET', `/v1/audit/verify?count=${entries}&head=${headHash}`, { key: factory.adminKey }))
        .body,
    ).toMatchObject({ ok: true });
    const other = 'a'.repeat(64);
    expect(
      (await call('GET', `/v1/audit/verify?count=${entries}&head=${other}`, { key: factory.adminKey })).body,
    ).toMatchObject({ ok: false, kind: 'rewritten' });
    expect(
      (await call('GET', `/v1/audit/verify?count=${entries + 50}&head=${other}`, { key: factory.adminKey }))
        .body,
    ).toMatchObject({ ok: false, kind: 'truncated', firstBadEntry: entries + 1 });
    const bad = await call('GET', '/v1/audit/verify?count=3', { key: factory.adminKey });
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([{ path: 'head', message: expect.any(String) }]);
  });

  it('gives a tenant its own count and signed head only, never the factory’s', async () => {
    await call('GET', '/v1/audit/verify', { key: factory.adminKey });
    const own = await call('GET', '/v1/audit/verify', { key: owner.key });
    const page = await call('GET', '/v1/audit?limit=1000', { key: owner.key });
    const mine = (page.body['items'] as unknown[]).length;
    expect(own.body).toMatchObject({ ok: true, scope: 'tenant', entries: mine });
    expect(own.body).not.toHaveProperty('pending');
    const checkpoints = (await call('GET', '/v1/audit/checkpoints', { key: owner.key })).body[
      'items'
    ] as CheckpointBody[];
    expect(checkpoints.every((c) => c.tenantId === owner.tenantId)).toBe(true);
    const key = readAuditPublicKey((await call('GET', '/v1/audit/public-key')).body['publicKey'] as string);
    for (const c of checkpoints)
      expect(
        key.verify(
          encodeTenantCheckpoint({ tenantId: owner.tenantId, count: c.count, head: c.headHash, at: c.at }),
          c.signature,
        ),
      ).toBe(true);
    expect((await call('GET', '/v1/audit/verify?full=true', { key: owner.key })).status).toBe(403);
  });

  it('verifies from the CLI, with the operator’s key and with a tenant’s (its entries checked here)', async () => {
    const operator = await cli([], factory.adminKey);
    expect(operator.code).toBe(0);
    expect(operator.stdout).toMatch(/^ok: \d+ entries, head \d+:[0-9a-f]{64}\ncheckpoint: /);
    const tenant = await cli(['--json'], owner.key);
    expect(tenant.code).toBe(0);
    expect(JSON.parse(tenant.stdout)).toMatchObject({ ok: true, scope: 'tenant' });
    const head = /head (\d+:[0-9a-f]{64})/.exec(operator.stdout)?.[1] ?? '';
    expect((await cli(['--expect', head], factory.adminKey)).code).toBe(0);
    const forged = head.replace(/:.*/, `:${'b'.repeat(64)}`);
    const wrong = await cli(['--expect', forged], factory.adminKey);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('TAMPERED');
    expect((await cli(['--checkpoint', witnessFile], factory.adminKey)).code).toBe(0);
    const tampered = join(mkdtempSync(join(tmpdir(), 'usine-cp-')), 'cp.json');
    const last = readFileSync(witnessFile, 'utf8').trim().split('\n').pop() ?? '';
    writeFileSync(tampered, last.replace(/"count":\d+/, '"count":1'));
    const refused = await cli(['--checkpoint', tampered], factory.adminKey);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not signed by this factory');
  });
});

describe('a factory started on a tampered chain', () => {
  it('refuses writes, names the first bad entry in /readyz and on reads, and still serves reads', async () => {
    const first = await startTestFactory();
    const call = api(first.url);
    await createOwner(call, first.adminKey, 'acme');
    await createOwner(call, first.adminKey, 'globex');
    const { entries } = (await call('GET', '/v1/audit/verify', { key: first.adminKey })).body as {
      entries: number;
    };
    await first.close();
    const db = await openPgliteDatabase(join(first.dataDir, 'db'));
    await db.transaction(async (sql) => {
      await sql.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await sql.query('DELETE FROM audit_log WHERE seq > 1');
      await sql.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    await db.close();
    expect(entries).toBeGreaterThan(1);
    const second = await startTestFactory({ dataDir: first.dataDir });
    try {
      const again = api(second.url);
      const ready = await again('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        status: 'read-only',
        reason: expect.stringContaining('entry 2 (truncated)'),
      });
      const write = await again('POST', '/v1/tenants', { key: second.adminKey, json: { name: 'initech' } });
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({ code: 'USINE_AUDIT_CHAIN_BROKEN' });
      const read = await fetch(new URL('/v1/tenants', second.url), {
        headers: { authorization: `Bearer ${second.adminKey}` },
      });
      expect(read.status).toBe(200);
      expect(read.headers.get('usine-audit')).toBe('broken; entry=2; kind=truncated');
    } finally {
      await second.close();
    }
  }, 120_000);
});
