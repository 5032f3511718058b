import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../executors/fake-clock.js';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

describe('the lifecycle of API keys: list, revoke, rotate, limits', () => {
  const clock = new FakeClock('2026-12-01T09:00:00Z');
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let acme: { tenantId: string; key: string };
  let globex: { tenantId: string; key: string };

  beforeAll(async () => {
    factory = await startTestFactory({ clock, maxKeysPerTenant: 4 });
    call = api(factory.url);
    acme = await createOwner(call, factory.adminKey, 'acme');
    globex = await createOwner(call, factory.adminKey, 'globex');
  });

  afterAll(async () => {
    await factory?.close();
  });

  const createKey = (tenantId: string, key: string, json: unknown) =>
    call('POST', `/v1/tenants/${tenantId}/keys`, { key, json });
  const auditActions = async (key: string) =>
    ((await call('GET', '/v1/audit', { key })).body.items as { action: string; subject: string }[]).map(
      (e) => `${e.action} ${e.subject}`,
    );

  it("lists a tenant's keys with role, project, dates and last use, never a secret", async () => {
    const member = await createKey(acme.tenantId, acme.key, { role: 'member', project: 'vision' });
    expect((await call('GET', '/v1/jobs', { key: member.body['key'] as string })).status).toBe(200);
    await expect
      .poll(async () => {
        const listed = await call('GET', `/v1/tenants/${acme.tenantId}/keys`, { key: acme.key });
        return (listed.body.items as Record<string, unknown>[]).find((k) => k['id'] === member.body['id']);
      })
      .toEqual({
        id: member.body['id'],
        role: 'member',
        tenantId: acme.tenantId,
        project: 'vision',
        site: null,
        createdAt: '2026-12-01T09:00:00.000Z',
        lastUsedAt: '2026-12-01T09:00:00.000Z',
        expiresAt: null,
        revokedAt: null,
      });
    const text = JSON.stringify((await call('GET', '/v1/keys', { key: acme.key })).body);
    expect(text).toContain(member.body['id'] as string);
    expect(text).not.toContain(member.body['key'] as string);
    expect(text).not.toMatch(/secret|hash/i);
  });

  it("answers 404 for another tenant's keys and 403 to a viewer", async () => {
    expect((await call('GET', `/v1/tenants/${acme.tenantId}/keys`, { key: globex.key })).status).toBe(404);
    const viewer = (await createKey(globex.tenantId, globex.key, { role: 'viewer' })).body['key'] as string;
    expect((await call('GET', '/v1/keys', { key: viewer })).status).toBe(403);
  });

  it("lists the operator's own keys, site credentials included, to the admin key only", async () => {
    const agent = await call('POST', '/v1/keys', {
      key: factory.adminKey,
      json: { role: 'agent', site: 'local' },
    });
    const listed = (await call('GET', '/v1/keys', { key: factory.adminKey })).body.items as { id: string }[];
    expect(listed.map((k) => k.id)).toContain(agent.body['id']);
    expect(JSON.stringify(listed)).not.toContain(acme.tenantId);
    const id = agent.body['id'] as string;
    expect((await call('DELETE', `/v1/keys/${id}`, { key: acme.key })).status).toBe(404);
  });

  it('revokes a key: refused at once on this replica, revoking again changes nothing, audited', async () => {
    const viewer = await createKey(acme.tenantId, acme.key, { role: 'viewer' });
    const [id, secret] = [viewer.body['id'] as string, viewer.body['key'] as string];
    expect((await call('GET', '/v1/jobs', { key: secret })).status).toBe(200);
    expect((await call('DELETE', `/v1/keys/${id}`, { key: globex.key })).status).toBe(404);
    const revoked = await call('DELETE', `/v1/keys/${id}`, { key: acme.key });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, revokedAt: '2026-12-01T09:00:00.000Z' });
    clock.advance(1_000); // past the key cache
    expect((await call('GET', '/v1/jobs', { key: secret })).status).toBe(401);
    expect((await call('DELETE', `/v1/keys/${id}`, { key: acme.key })).body).toEqual(revoked.body);
    await expect.poll(() => auditActions(acme.key)).toContain(`key.revoke ${id}`);
  });

  it('refuses to revoke the admin key (409: rotate it)', async () => {
    const admin = (
      (await call('GET', '/v1/keys', { key: factory.adminKey })).body.items as { id: string; role: string }[]
    ).find((k) => k.role === 'admin');
    const refused = await call('DELETE', `/v1/keys/${admin?.id ?? ''}`, { key: factory.adminKey });
    expect(refused.status).toBe(409);
    expect(refused.body['detail']).toContain('rotate');
  });

  it('rotates a key: a new secret at once, the old one until the grace period ends, audited', async () => {
    const auditor = await createKey(acme.tenantId, acme.key, { role: 'auditor', expires: '30d' });
    const graceEnds = new Date(clock.now().getTime() + 10 * 60_000).toISOString();
    const [id, oldSecret] = [auditor.body['id'] as string, auditor.body['key'] as string];
    const rotated = await call('POST', `/v1/keys/${id}/rotate`, { key: acme.key, json: { grace: '10m' } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({
      role: 'auditor',
      tenantId: acme.tenantId,
      expiresAt: auditor.body['expiresAt'],
    });
    expect(rotated.body['replaced']).toMatchObject({ id, expiresAt: graceEnds });
    const newSecret = rotated.body['key'] as string;
    expect((await call('GET', '/v1/usage', { key: newSecret })).status).toBe(200);
    expect((await call('GET', '/v1/usage', { key: oldSecret })).status).toBe(200);
    clock.advance(11 * 60_000);
    const old = await call('GET', '/v1/usage', { key: oldSecret });
    expect(old.status).toBe(401);
    expect(old.body['detail']).toContain(`expired at ${graceEnds}`);
    expect((await call('GET', '/v1/usage', { key: newSecret })).status).toBe(200);
    await expect.poll(() => auditActions(acme.key)).toContain(`key.rotate ${id}`);
    expect((await call('POST', `/v1/keys/${id}/rotate`, { key: acme.key })).status).toBe(409);
    expect(
      (await call('POST', `/v1/keys/${id}/rotate`, { key: acme.key, json: { grace: '8d' } })).status,
    ).toBe(400);
  });

  it('lets an owner rotate its own owner key, ending the old one at once with a grace of 0s', async () => {
    const owner = await createOwner(call, factory.adminKey, 'initech');
    const mine = (await call('GET', '/v1/keys', { key: owner.key })).body.items as { id: string }[];
    const rotated = await call('POST', `/v1/keys/${mine[0]?.id ?? ''}/rotate`, {
      key: owner.key,
      json: { grace: '0s' },
    });
    expect(rotated.status).toBe(201);
    clock.advance(1_000);
    expect((await call('GET', '/v1/jobs', { key: owner.key })).status).toBe(401);
    expect((await call('GET', '/v1/jobs', { key: rotated.body['key'] as string })).status).toBe(200);
  });

  it('refuses a key past the tenant limit with 409 naming the limit, and takes one again after a revoke', async () => {
    const tenant = await createOwner(call, factory.adminKey, 'umbrella');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const key = await createKey(tenant.tenantId, tenant.key, { role: 'viewer' });
      expect(key.status).toBe(201);
      made.push(key.body['id'] as string);
    }
    const refused = await createKey(tenant.tenantId, tenant.key, { role: 'viewer' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'USINE_KEY_LIMIT' });
    expect(refused.body['detail']).toContain('its limit is 4');
    await call('DELETE', `/v1/keys/${made[0] ?? ''}`, { key: tenant.key });
    expect((await createKey(tenant.tenantId, tenant.key, { role: 'viewer' })).status).toBe(201);
  });

  it('lists, rotates and revokes from the CLI: usine keys list|rotate|revoke', async () => {
    const env = { USINE_URL: factory.url, USINE_API_KEY: acme.key, HOME: factory.dataDir };
    const viewer = await createKey(acme.tenantId, acme.key, { role: 'viewer' });
    const id = viewer.body['id'] as string;
    const listed = await runUsine(['keys', 'list'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+viewer`));
    expect(listed.stdout).not.toContain(viewer.body['key'] as string);
    const rotated = await runUsine(['keys', 'rotate', id, '--grace', '5m'], { env });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout.trim()).toMatch(/^usk_/);
    expect(rotated.stderr).toContain(`the old key ${id} stops working at`);
    const revoked = await runUsine(['keys', 'revoke', id], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`${id} revoked at`);
    const unknown = await runUsine(['keys', 'revoke', 'key_nope'], { env });
    expect(unknown.code).toBe(3);
  });

  it("writes a key's last use at most once a minute, however often it is used", async () => {
    const hooli = await createOwner(call, factory.adminKey, 'hooli');
    const viewer = await createKey(hooli.tenantId, hooli.key, { role: 'viewer' });
    const [id, key] = [viewer.body['id'] as string, viewer.body['key'] as string];
    const lastUsed = async () =>
      (
        (await call('GET', `/v1/tenants/${hooli.tenantId}/keys`, { key: hooli.key })).body.items as {
          id: string;
          lastUsedAt: string | null;
        }[]
      ).find((k) => k.id === id)?.lastUsedAt;
    const first = clock.now().toISOString();
    await call('GET', '/v1/jobs', { key });
    await expect.poll(lastUsed).toBe(first);
    clock.advance(30_000); // past the key cache: looked up again, but within the minute
    await call('GET', '/v1/jobs', { key });
    clock.advance(1_000);
    await call('GET', '/v1/jobs', { key });
    expect(await lastUsed()).toBe(first);
    clock.advance(30_000);
    const later = clock.now().toISOString();
    await call('GET', '/v1/jobs', { key });
    await expect.poll(lastUsed).toBe(later);
  });
});
