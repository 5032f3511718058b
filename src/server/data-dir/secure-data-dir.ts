import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Dirs 0700 and files 0600 below `dir`, links left alone (never followed). */
async function tighten(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tighten(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}

/**
 * The data dir is the operator's only: created 0700 (one that exists is tightened), and the
 * embedded database below it made 0700/0600 (PGlite creates its files 0666). A job's user, or
 * any other local user, cannot enter it, so neither `admin.key` nor the database can be read.
 * The sites' work dirs are only made unreachable through the data dir itself: a Slurm site whose
 * jobs run as another user needs a `workDir` of its own outside it.
 */
export async function secureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const found = await lstat(dataDir);
  if (!found.isDirectory()) throw new Error(`the data dir ${dataDir} is not a directory`);
  await chmod(dataDir, 0o700);
  const db = join(dataDir, 'db');
  if (
    await lstat(db).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    await tighten(db);
}
