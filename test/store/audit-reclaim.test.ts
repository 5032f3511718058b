import { describe, expect, it } from 'vitest';
import { generateAuditPrivateKey, readAuditKeys } from '../../src/app/audit/audit-keys.js';
import { authenticatePending } from '../../src/store/audit-queries.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { createSqlStore } from '../../src/store/sql-store.js';

describe('the audit queue on PGlite, which runs no autovacuum', () => {
  it('gives back the space of sealed entries once more than 10,000 were sealed', async () => {
    const db = await openPgliteDatabase(undefined);
    await migrate(db);
    const { mac } = readAuditKeys(generateAuditPrivateKey());
    const store = createSqlStore(db, { auditMac: mac });
    const size = async () => {
      const [row] = await db.autocommit((sql) =>
        sql.query<{ bytes: number | string }>(`SELECT pg_relation_size('audit_pending') AS bytes`),
      );
      return Number(row?.bytes);
    };
    try {
      // queued as the store queues them (with their MAC), in one statement
      const rows = Array.from({ length: 10500 }, (_, n) =>
        authenticatePending(
          {
            at: '2026-12-01T09:00:00Z',
            actor: 'system',
            tenantId: null,
            action: 'test.entry',
            subject: `e${n}`,
            data: { n: 1 },
          },
          mac,
        ),
      );
      await db.transaction((sql) =>
        sql.query(
          `INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data, mac)
           SELECT (r->>'at')::timestamptz, r->>'actor', NULL, r->>'action', r->>'subject', r->'data', r->>'mac'
           FROM jsonb_array_elements($1::jsonb) AS r`,
          [JSON.stringify(rows)],
        ),
      );
      const filled = await size();
      expect(await store.sealAudit()).toBe(10500);
      expect(await size()).toBeLessThan(filled / 10);
      const [last] = await store.transaction((tx) => tx.listAudit(10499, 10));
      expect(last).toMatchObject({ seq: 10500, action: 'test.entry' });
    } finally {
      await store.close();
    }
  }, 120_000); // 10,500 entries queued and sealed: a busy machine needs the time
});
