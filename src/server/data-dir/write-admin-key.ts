import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `DATA_DIR/admin.key`, mode 0600, through a temporary file and a rename: a reader never
 * sees half a key, and a read-only or damaged old file is replaced rather than failing the write.
 */
export async function writeAdminKey(dataDir: string, secret: string): Promise<string> {
  const file = join(dataDir, 'admin.key');
  await writeFile(`${file}.tmp`, `${secret}\n`, { mode: 0o600 });
  await chmod(`${file}.tmp`, 0o600);
  await rename(`${file}.tmp`, file);
  return file;
}
