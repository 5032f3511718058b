import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { createSqlStore } from '../../src/store/sql-store.js';

describe('the audit queue on PGlite, which runs no autovacuum', () => {
  it('gives back the space of sealed entries once more than 10,000 were sealed', async () => {
    const db = await openPgliteDatabase(undefined);
    await migrate(db);
    const store = createSqlStore(db);
    const size = async () => {
      const [row] = await db.autocommit((sql) =>
        sql.query<{ bytes: number | string }>(`SELECT pg_relation_size('audit_pending') AS bytes`),
      );
      return Number(row?.bytes);
    };
    try {
      await db.transaction((sql) =>
        sql.query(
          `INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data)
           SELECT now(), 'system', NULL, 'test.entry', 'e' || n, '{"n": 1}'::jsonb
           FROM generate_series(1, 10500) AS n`,
        ),
      );
      const filled = await size();
      expect(await store.sealAudit()).toBe(10500);
      expect(await size()).toBeLessThan(filled / 10);
      expect((await store.transaction((tx) => tx.listAudit(10499, 10))).map((e) => e.seq)).toEqual([10500]);
    } finally {
      await store.close();
    }
  });
});
