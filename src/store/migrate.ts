import { MIGRATIONS } from './migrations/all-migrations.js';
import type { Migration } from './migrations/migration.js';
import { advisoryLockKey, type SqlDatabase } from './sql-client.js';

/**
 * Applies the pending migrations in order, in one transaction, and records each in
 * `schema_migrations`. Processes that start at once queue on an advisory lock: the first
 * applies, the others find nothing left to do. Returns the ids it applied.
 */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction(async (sql) => {
    // before anything else, even creating the bookkeeping table, which could race too
    await sql.query(`SELECT pg_advisory_xact_lock(${advisoryLockKey('$1')})`, ['usine.migrate']);
    await sql.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id          integer PRIMARY KEY,
      name        text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await sql.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    const applied = new Set(rows.map((row) => Number(row.id)));
    const known = new Set(migrations.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migration ${unknown.join(', ')}, which this version of Usine does not know: ` +
          'it was written by a newer Usine. Upgrade Usine, or restore a backup from before the upgrade.',
      );
    }
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(migration.id)) continue;
      await sql.exec(migration.sql);
      await sql.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
        migration.id,
        migration.name,
      ]);
      done.push(migration.id);
    }
    return done;
  });
}
