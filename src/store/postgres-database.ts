import pg from 'pg';
import { advisoryLockKey, type SqlClient, type SqlDatabase } from './sql-client.js';

/** PostgreSQL through a node-postgres pool: one pooled connection per transaction. */
export function openPostgresDatabase(connectionString: string): SqlDatabase {
  const pool = new pg.Pool({ connectionString });
  // An idle connection that dies (server restart) is dropped by the pool; the next query
  // opens a fresh one. Without a listener the error would crash the process.
  pool.on('error', () => undefined);

  return {
    dialect: 'postgresql',

    async transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        try {
          const result = await work(wrapConnection(connection));
          await connection.query('COMMIT');
          return result;
        } catch (error) {
          await connection.query('ROLLBACK').catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        }
      } finally {
        // a connection that could not roll back is destroyed, not reused
        connection.release(broken);
      }
    },

    async autocommit<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        return await work(wrapConnection(connection));
      } catch (error) {
        // a connection that failed mid-statement may be unusable: do not reuse it
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        connection.release(broken);
      }
    },

    async withExclusiveLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
      // A session-level advisory lock lives as long as its connection: hold one for the
      // whole duration of `work`, outside any transaction.
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        const [row] = (
          await connection.query<{ locked: boolean }>(
            `SELECT pg_try_advisory_lock(${advisoryLockKey('$1')}) AS locked`,
            [name],
          )
        ).rows;
        if (!row?.locked) return undefined;
        try {
          return await work();
        } finally {
          await connection
            .query(`SELECT pg_advisory_unlock(${advisoryLockKey('$1')})`, [name])
            .catch((unlockError: unknown) => {
              // closing the session releases the lock
              broken = unlockError instanceof Error ? unlockError : new Error(String(unlockError));
            });
        }
      } finally {
        connection.release(broken);
      }
    },

    async reclaim(): Promise<void> {
      // autovacuum's work
    },

    async close(): Promise<void> {
      await pool.end();
    },
  };
}

function wrapConnection(connection: pg.PoolClient): SqlClient {
  return {
    runsAlone: false,
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await connection.query(text, params as unknown[]);
      return result.rows as R[];
    },
    async exec(script: string): Promise<void> {
      // without parameters node-postgres uses the simple protocol: several statements are fine
      await connection.query(script);
    },
  };
}
