import { resetAdminKey, type AdminKeyReset } from '../../app/tenants/reset-admin-key.js';
import { createRandomIds } from '../random-ids.js';
import { openDataDir } from './open-data-dir.js';
import { writeAdminKey } from './write-admin-key.js';

/**
 * `usine admin reset-key`: with Usine stopped (it takes the data dir's lock), revokes the admin
 * keys and writes a new one to `admin.key`; the audit chain records both, and is sealed.
 */
export async function resetAdminKeyOffline(
  dataDir: string,
  options: { readonly databaseUrl?: string } = {},
): Promise<AdminKeyReset & { readonly file: string }> {
  const { store, lock } = await openDataDir(dataDir, options);
  try {
    const clock = { now: () => new Date() };
    const reset = await resetAdminKey({ store, clock, ids: createRandomIds(clock) }, 'usine admin reset-key');
    const file = await writeAdminKey(dataDir, reset.secret);
    await store.sealAudit();
    return { ...reset, file };
  } finally {
    await store.close();
    await lock.release();
  }
}
