import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../../src/app/ports/store.js';
import { migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/open-store.js';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { openPostgresDatabase } from '../../src/store/postgres-database.js';
import type { SqlDatabase } from '../../src/store/sql-client.js';
import { createSqlStore, type SqlStoreOptions } from '../../src/store/sql-store.js';

/** Where the PostgreSQL half of the suite runs; unset, it is skipped (CI sets it). */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];

export const POSTGRES_SKIPPED = TEST_DATABASE_URL
  ? ''
  : ' (skipped: set TEST_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/usine_test to run)';

export interface StoreBackend {
  readonly name: string;
  readonly skip: boolean;
  /** A fresh, migrated, empty store: in-memory PGlite, or a new schema on PostgreSQL. */
  open(): Promise<Store>;
  /** The same, with the database beneath it, for tests that must reach past the store. */
  openWithDatabase(options?: SqlStoreOptions): Promise<{ store: Store; db: SqlDatabase }>;
}

export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: 'PGlite',
    skip: false,
    open: () => openStore(),
    openWithDatabase: async (options) => withStore(await openPgliteDatabase(undefined), options),
  },
  {
    name: `PostgreSQL${POSTGRES_SKIPPED}`,
    skip: TEST_DATABASE_URL === undefined,
    open: async () => openStore({ databaseUrl: (await createTestSchema()).url }),
    openWithDatabase: async (options) =>
      withStore(openPostgresDatabase((await createTestSchema()).url), options),
  },
];

async function withStore(
  db: SqlDatabase,
  options: SqlStoreOptions = {},
): Promise<{ store: Store; db: SqlDatabase }> {
  await migrate(db);
  return { store: createSqlStore(db, options), db };
}

export interface TestSchema {
  readonly name: string;
  /** TEST_DATABASE_URL with every connection's search_path set to the schema. */
  readonly url: string;
}

const createdSchemas: string[] = [];

/** A new, empty schema in the test database, so test files running at once never meet. */
export async function createTestSchema(): Promise<TestSchema> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE SCHEMA ${name}`));
  createdSchemas.push(name);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.toString() };
}

/** Drops the schemas this file created; call it in afterAll, after closing the stores. */
export async function dropTestSchemas(): Promise<void> {
  if (!TEST_DATABASE_URL || createdSchemas.length === 0) return;
  const names = createdSchemas.splice(0);
  await withAdminClient(async (client) => {
    for (const name of names) await client.query(`DROP SCHEMA ${name} CASCADE`);
  });
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
