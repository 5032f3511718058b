import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Mutex } from './mutex.js';
import type { SqlClient, SqlDatabase } from './sql-client.js';

/**
 * Embedded PostgreSQL (PGlite) in this process: on disk under `dataDir`, or in memory when
 * it is undefined. PGlite has a single connection, so every transaction runs alone, in
 * call order; the exclusive locks are in-process (only one process can open a data dir).
 */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<SqlDatabase> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  const mutex = new Mutex();
  const heldLocks = new Set<string>();
  const client: SqlClient = {
    runsAlone: true,
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await db.query<R>(text, params as unknown[])).rows;
    },
    async exec(script: string): Promise<void> {
      await db.exec(script);
    },
  };

  return {
    dialect: 'pglite',

    transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      return mutex.run(async () => {
        // the simple protocol: no parse, bind and describe for statements without parameters
        await db.exec('BEGIN');
        try {
          const result = await work(client);
          await db.exec('COMMIT');
          return result;
        } catch (error) {
          await db.exec('ROLLBACK');
          throw error;
        }
      });
    },

    autocommit<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      return mutex.run(() => work(client));
    },

    async withExclusiveLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
      if (heldLocks.has(name)) return undefined;
      heldLocks.add(name);
      try {
        return await work();
      } finally {
        heldLocks.delete(name);
      }
    },

    reclaim(table: string): Promise<void> {
      // VACUUM cannot run in a transaction; the table name is ours, never a user's
      return mutex.run(() => db.exec(`VACUUM ${table}`).then(() => undefined));
    },

    async close(): Promise<void> {
      // let the transactions already queued finish first
      await mutex.run(() => db.close());
    },
  };
}
