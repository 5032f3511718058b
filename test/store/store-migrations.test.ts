import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/all-migrations.js';
import { openStore } from '../../src/store/open-store.js';
import {
  createTestSchema,
  dropTestSchemas,
  POSTGRES_SKIPPED,
  STORE_BACKENDS,
  TEST_DATABASE_URL,
} from './store-backends.js';

afterAll(dropTestSchemas);

describe('the migrations', () => {
  it('are numbered 1, 2, 3… without gaps', () => {
    expect(MIGRATIONS.map((m) => m.id)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe.each(STORE_BACKENDS)('migrating on $name', (backend) => {
  it.skipIf(backend.skip)('records each migration once and applies nothing the second time', async () => {
    const { store, db } = await backend.openWithDatabase();
    try {
      expect(await migrate(db)).toEqual([]);
      const rows = await db.transaction((sql) =>
        sql.query<{ id: number }>('SELECT id FROM schema_migrations'),
      );
      expect(rows.map((r) => Number(r.id))).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await store.close();
    }
  });

  it.skipIf(backend.skip)('refuses a database a newer Usine migrated', async () => {
    const { store, db } = await backend.openWithDatabase();
    try {
      await db.transaction((sql) =>
        sql.query("INSERT INTO schema_migrations (id, name) VALUES (999, 'from the future')"),
      );
      await expect(migrate(db)).rejects.toThrow('migration 999, which this version of Usine does not know');
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)(`concurrent migrations on PostgreSQL${POSTGRES_SKIPPED}`, () => {
  it('lets two stores opening a fresh schema at once both succeed, migrating it once', async () => {
    const schema = await createTestSchema();
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ databaseUrl: schema.url })));
    try {
      const tenants = await stores[0]?.transaction((tx) => tx.listTenants());
      expect(tenants).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
