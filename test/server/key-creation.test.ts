import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../executors/fake-clock.js';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

describe('creating API keys and site credentials', () => {
  const clock = new FakeClock('2026-12-01T09:00:00Z');
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let tenantId: string;
  let owner: string;

  beforeAll(async () => {
    factory = await startTestFactory({ clock });
    call = api(factory.url);
    ({ tenantId, key: owner } = await createOwner(call, factory.adminKey, 'acme'));
  });

  afterAll(async () => {
    await factory?.close();
  });

  const createSiteKey = (key: string, json: unknown) => call('POST', '/v1/keys', { key, json });

  it('lets the operator create an agent key for a site of the catalog: no tenant, one site', async () => {
    const created = await createSiteKey(factory.adminKey, { role: 'agent', site: 'sim-paris' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'agent', site: 'sim-paris', tenantId: null, project: null });
    expect(created.body['key']).toMatch(/^usk_/);
    expect(created.body).not.toHaveProperty('secretHash');
  });

  it('refuses a site credential for a site the catalog does not have, naming the field', async () => {
    const refused = await createSiteKey(factory.adminKey, { role: 'metering', site: 'atlantis' });
    expect(refused.status).toBe(400);
    expect(refused.body['errors']).toEqual([{ path: 'site', message: expect.stringContaining('atlantis') }]);
  });

  it('refuses a site credential to a tenant owner (403)', async () => {
    expect((await createSiteKey(owner, { role: 'agent', site: 'local' })).status).toBe(403);
  });

  it('refuses a tenant role on /v1/keys and a site role under a tenant (400)', async () => {
    expect((await createSiteKey(factory.adminKey, { role: 'owner', site: 'local' })).status).toBe(400);
    const underTenant = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: factory.adminKey,
      json: { role: 'agent', site: 'local' },
    });
    expect(underTenant.status).toBe(400);
  });

  it('gives an agent key agent work only: no jobs, no sites, no tenants', async () => {
    const agent = (await createSiteKey(factory.adminKey, { role: 'agent', site: 'local' })).body[
      'key'
    ] as string;
    for (const path of ['/v1/jobs', '/v1/sites', '/v1/tenants', '/v1/usage', '/v1/audit']) {
      const answer = await call('GET', path, { key: agent });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
    }
  });

  it('lets an owner create member, viewer and auditor keys in its tenant, but not owner keys', async () => {
    const viewer = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'viewer' },
    });
    expect(viewer.status).toBe(201);
    expect(viewer.body).toMatchObject({ role: 'viewer', tenantId, site: null, expiresAt: null });
    const another = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'owner' },
    });
    expect(another.status).toBe(403);
    expect(another.body['detail']).toContain('member, viewer, auditor');
  });

  it('sets an expiry from a duration or an RFC 3339 instant, and refuses one in the past', async () => {
    const inDays = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'viewer', expires: '30d' },
    });
    expect(inDays.body['expiresAt']).toBe('2026-12-31T09:00:00.000Z');
    const at = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'viewer', expires: '2027-01-15T12:00:00+01:00' },
    });
    expect(at.body['expiresAt']).toBe('2027-01-15T11:00:00.000Z');
    for (const expires of ['2020-01-01T00:00:00Z', 'soon', '0s', '+275760-09-13T00:00:00Z']) {
      const refused = await call('POST', `/v1/tenants/${tenantId}/keys`, {
        key: owner,
        json: { role: 'viewer', expires },
      });
      expect({ expires, status: refused.status }).toEqual({ expires, status: 400 });
      expect(refused.body['errors']).toEqual([{ path: 'expires', message: expect.any(String) }]);
    }
  });

  it('refuses an expired key with a message saying it expired', async () => {
    const created = await call('POST', `/v1/tenants/${tenantId}/keys`, {
      key: owner,
      json: { role: 'viewer', expires: '1h' },
    });
    const key = created.body['key'] as string;
    expect((await call('GET', '/v1/jobs', { key })).status).toBe(200);
    clock.advance(2 * 3_600_000);
    const refused = await call('GET', '/v1/jobs', { key });
    expect(refused.status).toBe(401);
    expect(refused.body['detail']).toContain(
      `${created.body['id'] as string} expired at 2026-12-01T10:00:00.000Z`,
    );
  });

  it('creates a site credential from the CLI: usine keys create --role agent --site S', async () => {
    const env = { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey, HOME: factory.dataDir };
    const made = await runUsine(
      ['keys', 'create', '--role', 'agent', '--site', 'local', '--expires', '90d'],
      { env },
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toMatch(/^usk_\S+$/);
    expect(made.stderr).toContain('agent key key_');
    expect(made.stderr).toContain('for site local');
    const noTenant = await runUsine(['keys', 'create', '--role', 'viewer'], { env });
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('--tenant is required');
  });
});
