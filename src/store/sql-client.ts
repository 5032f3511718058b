/**
 * The little the store needs from a database driver, so one set of hand-written queries runs
 * on PostgreSQL (node-postgres) and on embedded PGlite alike.
 */
export interface SqlClient {
  /** One statement with `$1…` parameters; rows as the driver parses them. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * True when no other transaction can run beside this one (PGlite's single connection):
   * the queries then skip the advisory locks that serialise writers on PostgreSQL.
   */
  readonly runsAlone: boolean;
}

export type SqlDialect = 'postgresql' | 'pglite';

export interface SqlDatabase {
  readonly dialect: SqlDialect;
  /** Runs `work` between BEGIN and COMMIT; ROLLBACK when it throws. */
  transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Runs `work` on one connection outside a transaction (each statement commits alone). */
  autocommit<T>(work: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Runs `work` while holding the lock `name`; undefined at once when someone else holds it. */
  withExclusiveLock<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  /**
   * Gives the space of a table's deleted rows back where nothing else does: PGlite runs no
   * autovacuum, so a queue table (inserted, then deleted) would otherwise grow without end.
   * Nothing to do on PostgreSQL, whose autovacuum does it.
   */
  reclaim(table: string): Promise<void>;
  close(): Promise<void>;
}

/** Holds the transaction-scoped advisory lock `name` until COMMIT or ROLLBACK. */
export async function lockForTransaction(sql: SqlClient, name: string): Promise<void> {
  if (sql.runsAlone) return;
  await sql.query(`SELECT pg_advisory_xact_lock(${advisoryLockKey('$1')})`, [name]);
}

/**
 * The advisory-lock key of `name`, scoped to the current schema so that two deployments
 * (or two test files) in one database never block each other.
 */
export function advisoryLockKey(nameParam: string): string {
  return `hashtextextended(coalesce(current_schema(), '') || '/' || ${nameParam}, 0)`;
}
