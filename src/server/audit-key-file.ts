import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuditPrivateKey, readAuditKeys, type AuditKeys } from '../app/audit/audit-keys.js';

/**
 * The audit key of this factory, DATA_DIR/audit.key (PKCS#8 PEM, mode 0600), beside admin.key
 * and never in the database; made on the first start. Replicas on one database share it
 * (the same file, or a copy): each seals and verifies the others' entries.
 */
export function loadAuditKeyFile(dataDir: string): AuditKeys {
  const path = join(dataDir, 'audit.key');
  try {
    return readAuditKeys(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 'wx': of two processes starting at once, one writes the key and the other reads it
  try {
    writeFileSync(path, generateAuditPrivateKey(), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readAuditKeys(readFileSync(path, 'utf8'));
}
