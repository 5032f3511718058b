import { stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';

/** Whether a user with no claim on the directory (not its owner, in none of its groups) may enter it. */
async function isOpenToOthers(dir: string): Promise<boolean> {
  for (let current = dir; ; current = dirname(current)) {
    const found = await stat(current).catch(() => undefined);
    if (found === undefined || !found.isDirectory() || (found.mode & 0o001) === 0) return false;
    if (current === dirname(current)) return true;
  }
}

/**
 * The entries of a PATH that a job user (a uid of its own, no groups) can search: the runner's
 * private ones (`/root/.pyenv/shims`) would only make it fail with EACCES where a public program
 * of the same name exists further on.
 */
export async function keepPublicPath(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const kept: string[] = [];
  for (const dir of path.split(':')) {
    if (dir !== '' && isAbsolute(dir) && !kept.includes(dir) && (await isOpenToOthers(dir))) kept.push(dir);
  }
  return kept.join(':');
}
