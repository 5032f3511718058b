import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../app/ports/store.js';
import type { AuditKeys } from '../../app/audit/audit-keys.js';
import { openStore } from '../../store/open-store.js';
import { loadAuditKeyFile } from '../audit-key-file.js';
import { StartRefused } from '../start-refused.js';
import { lockDataDir, type DataDirLock } from './lock-data-dir.js';
import { secureDataDir } from './secure-data-dir.js';

export interface OpenedDataDir {
  readonly store: Store;
  readonly lock: DataDirLock;
  /** DATA_DIR/audit.key (made on the first start): the store seals with its MAC. */
  readonly auditKeys: AuditKeys;
}

/** PGlite's own words for a database it cannot read, without its build hints or stack. */
function describeOpenFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = (text.split('\n')[0] ?? '').replace(/\.?\s*Build with -sASSERTIONS.*$/, '').trim();
  return first === '' || /^Aborted\(\)?$/.test(first) ? 'PGlite aborted while reading it' : first;
}

/**
 * Takes the data dir for this process (when it holds the embedded database), then opens its store, or refuses with one sentence and
 * nothing written: a data dir in use by another Usine, an `admin.key` whose embedded database is
 * gone (never initialised again over it), an embedded database that cannot be read.
 */
export async function openDataDir(
  dataDir: string,
  options: { readonly databaseUrl?: string; readonly store?: Store },
): Promise<OpenedDataDir> {
  await secureDataDir(dataDir);
  const embedded = options.store === undefined && !options.databaseUrl;
  // Only the embedded database is one process's: replicas on one PostgreSQL may share a data
  // dir on one host (its admin.key and audit.key), so theirs is not locked.
  const lock = embedded ? await lockDataDir(dataDir) : { file: '', release: async () => undefined };
  try {
    const db = join(dataDir, 'db');
    if (embedded && !existsSync(db) && existsSync(join(dataDir, 'admin.key'))) {
      throw new StartRefused(
        `${join(dataDir, 'admin.key')} is there but its embedded database ${db} is missing: ` +
          'Usine will not start a new, empty one over it; restore db/ from a backup, or move admin.key away to start afresh',
      );
    }
    const auditKeys = loadAuditKeyFile(dataDir);
    let store = options.store;
    if (store === undefined) {
      try {
        store = await openStore({
          ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
          dataDir: db,
          auditMac: auditKeys.mac,
        });
      } catch (error) {
        if (!embedded) throw error;
        throw new StartRefused(
          `the embedded database ${db} cannot be opened (${describeOpenFailure(error)}): ` +
            'it is damaged or not a Usine database; restore it from a backup',
          { cause: error },
        );
      }
    }
    await secureDataDir(dataDir);
    return { store, lock, auditKeys };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
