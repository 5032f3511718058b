import { importTenant, type ImportReport } from '../../app/exchange/import-tenant.js';
import { createDirectorySource } from '../exchange/directory-source.js';
import { openDataDir } from './open-data-dir.js';

/**
 * `usine import DIR`: opens the data dir's store (PGlite, taking its lock: Usine stopped; or
 * PostgreSQL with `databaseUrl`, where replicas may run) and imports the export under `exportDir`;
 * the import's audit entry is sealed with the data dir's audit key before it returns.
 */
export async function importOffline(
  dataDir: string,
  exportDir: string,
  options: { readonly databaseUrl?: string; readonly publicKeyPem?: string } = {},
): Promise<ImportReport> {
  const { store, lock } = await openDataDir(
    dataDir,
    options.databaseUrl ? { databaseUrl: options.databaseUrl } : {},
  );
  try {
    const report = await importTenant(
      { store, clock: { now: () => new Date() } },
      createDirectorySource(exportDir),
      {
        by: 'usine import',
        ...(options.publicKeyPem === undefined ? {} : { publicKeyPem: options.publicKeyPem }),
      },
    );
    await store.sealAudit();
    return report;
  } finally {
    await store.close();
    await lock.release();
  }
}
