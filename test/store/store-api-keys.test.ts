import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../src/app/ports/records.js';
import type { Store, StoreTx } from '../../src/app/ports/store.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestId } from './store-fixtures.js';

afterAll(dropTestSchemas);

function newKey(overrides: Partial<ApiKeyRecord>): ApiKeyRecord {
  return {
    id: newTestId('key'),
    tenantId: null,
    role: 'admin',
    project: null,
    site: null,
    secretHash: newTestId('hash'),
    createdAt: '2026-11-01T08:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

async function createKey(tx: StoreTx, overrides: Partial<ApiKeyRecord>): Promise<ApiKeyRecord> {
  const key = newKey(overrides);
  await tx.createApiKey(key);
  return key;
}

describe.each(STORE_BACKENDS)('API keys in the store on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  describe.skipIf(backend.skip)('keys', () => {
    it('finds a key by the hash of its secret and by id, and counts keys by role', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const before = await tx.countApiKeys('viewer');
        const key = await createKey(tx, {
          tenantId: tenant.id,
          role: 'viewer',
          project: 'clinic-ai',
          expiresAt: '2027-01-01T00:00:00.000Z',
        });
        expect(await tx.findApiKeyByHash(key.secretHash)).toEqual(key);
        expect(await tx.getApiKey(key.id)).toEqual(key);
        expect(await tx.findApiKeyByHash('nope')).toBeUndefined();
        expect(await tx.countApiKeys('viewer')).toBe(before + 1);
      });
    });

    it('keeps a site credential: no tenant, one site', async () => {
      await store.transaction(async (tx) => {
        const agent = await createKey(tx, { role: 'agent', site: 'paris-1' });
        expect(await tx.getApiKey(agent.id)).toEqual(agent);
        expect(await tx.listApiKeys(null)).toContainEqual(agent);
      });
    });

    it('refuses a site credential without a site, a tenant key with one, and an agent key of a tenant', async () => {
      const tenant = await store.transaction((tx) => createTestTenant(tx));
      await expect(store.transaction((tx) => createKey(tx, { role: 'agent' }))).rejects.toThrow();
      await expect(
        store.transaction((tx) => createKey(tx, { tenantId: tenant.id, role: 'viewer', site: 'paris-1' })),
      ).rejects.toThrow();
      await expect(
        store.transaction((tx) => createKey(tx, { tenantId: tenant.id, role: 'metering', site: 'paris-1' })),
      ).rejects.toThrow();
    });

    it("lists a tenant's keys and none of another's", async () => {
      await store.transaction(async (tx) => {
        const a = await createTestTenant(tx);
        const b = await createTestTenant(tx);
        const first = await createKey(tx, { tenantId: a.id, role: 'owner' });
        const second = await createKey(tx, {
          tenantId: a.id,
          role: 'viewer',
          createdAt: '2026-11-02T08:00:00.000Z',
        });
        await createKey(tx, { tenantId: b.id, role: 'viewer' });
        expect(await tx.listApiKeys(a.id)).toEqual([first, second]);
      });
    });

    it('revokes a key once, and counts only the live keys of a tenant', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const kept = await createKey(tx, { tenantId: tenant.id, role: 'viewer' });
        const revoked = await createKey(tx, { tenantId: tenant.id, role: 'viewer' });
        await createKey(tx, { tenantId: tenant.id, role: 'viewer', expiresAt: '2026-11-15T00:00:00.000Z' });
        expect(await tx.countLiveApiKeys(tenant.id, '2026-11-10T00:00:00.000Z')).toBe(3);
        expect(await tx.revokeApiKey(revoked.id, '2026-11-10T00:00:00.000Z')).toBe(true);
        expect(await tx.revokeApiKey(revoked.id, '2026-11-11T00:00:00.000Z')).toBe(false);
        expect((await tx.getApiKey(revoked.id))?.revokedAt).toBe('2026-11-10T00:00:00.000Z');
        expect(await tx.countLiveApiKeys(tenant.id, '2026-11-10T00:00:00.000Z')).toBe(2);
        expect(await tx.countLiveApiKeys(tenant.id, '2026-11-20T00:00:00.000Z')).toBe(1);
        expect((await tx.getApiKey(kept.id))?.revokedAt).toBeNull();
      });
    });

    it('brings an expiry forward, never later', async () => {
      await store.transaction(async (tx) => {
        const never = await createKey(tx, {});
        const soon = await createKey(tx, { expiresAt: '2026-11-05T00:00:00.000Z' });
        await tx.expireApiKeyBy(never.id, '2026-11-10T00:00:00.000Z');
        await tx.expireApiKeyBy(soon.id, '2026-11-10T00:00:00.000Z');
        expect((await tx.getApiKey(never.id))?.expiresAt).toBe('2026-11-10T00:00:00.000Z');
        expect((await tx.getApiKey(soon.id))?.expiresAt).toBe('2026-11-05T00:00:00.000Z');
      });
    });

    it('stamps the last use of keys, never moving it back', async () => {
      await store.transaction(async (tx) => {
        const a = await createKey(tx, {});
        const b = await createKey(tx, { lastUsedAt: '2026-11-09T00:00:00.000Z' });
        await tx.touchApiKeys([a.id, b.id], '2026-11-08T00:00:00.000Z');
        expect((await tx.getApiKey(a.id))?.lastUsedAt).toBe('2026-11-08T00:00:00.000Z');
        expect((await tx.getApiKey(b.id))?.lastUsedAt).toBe('2026-11-09T00:00:00.000Z');
      });
    });
  });
});
