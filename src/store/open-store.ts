import type { AuditMac } from '../app/audit/audit-keys.js';
import type { Store } from '../app/ports/store.js';
import { migrate } from './migrate.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import type { SqlDatabase } from './sql-client.js';
import { createSqlStore } from './sql-store.js';

export interface OpenStoreOptions {
  /** PostgreSQL connection string (`DATABASE_URL`); wins over dataDir when set. */
  readonly databaseUrl?: string;
  /** Embedded PGlite's data directory (e.g. `./.usine/db`); in memory when undefined. */
  readonly dataDir?: string;
  /** The audit key's MAC (see `createSqlStore`). */
  readonly auditMac?: AuditMac;
}

/**
 * Opens the store: real PostgreSQL when a URL is given, embedded PGlite otherwise; brings
 * the schema up to date before returning. Close it when done, or Node will not exit.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const db: SqlDatabase =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? openPostgresDatabase(options.databaseUrl)
      : await openPgliteDatabase(options.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return createSqlStore(db, options.auditMac ? { auditMac: options.auditMac } : {});
}
