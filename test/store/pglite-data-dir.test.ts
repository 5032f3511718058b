import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAuditPrivateKey, readAuditKeys } from '../../src/app/audit/audit-keys.js';
import { verifyChain } from '../../src/domain/audit/chain.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

describe('the embedded store on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps tenants, jobs and pending audit entries after closing and reopening its data dir', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'usine-store-'));
    dirs.push(parent);
    // a directory that does not exist yet, as on a first `usine up`
    const dataDir = join(parent, '.usine', 'db');

    // the audit key outlives the process, as DATA_DIR/audit.key does
    const { mac: auditMac } = readAuditKeys(generateAuditPrivateKey());
    const first = await openStore({ dataDir, auditMac });
    const { tenant, jobId } = await first.transaction(async (tx) => {
      const tenant = await createTestTenant(tx);
      const result = await tx.createJob(newTestJob(tenant.id));
      await tx.appendAudit({
        at: '2026-11-01T09:00:00Z',
        actor: 'admin',
        tenantId: tenant.id,
        action: 'tenant.create',
        subject: tenant.id,
        data: { name: tenant.name },
      });
      return { tenant, jobId: result.outcome === 'created' ? result.job.id : '' };
    });
    await first.close();

    const second = await openStore({ dataDir, auditMac });
    try {
      expect(await second.sealAudit()).toBe(1);
      await second.transaction(async (tx) => {
        expect(await tx.getTenant(tenant.id)).toEqual(tenant);
        expect((await tx.getJob(tenant.id, jobId))?.status).toBe('queued');
        const chain = await tx.listAudit(0, 100);
        expect(chain).toMatchObject([{ action: 'tenant.create' }]);
        expect(verifyChain(chain).ok).toBe(true);
      });
    } finally {
      await second.close();
    }
  }, 120_000); // two PGlite starts on disk: a busy machine needs the time
});
