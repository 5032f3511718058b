import { chmod, chown, lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobIsolation } from './job-isolation.js';
import type { JobUser } from './job-users.js';

/**
 * Makes `<jobsRoot>/<jobId>`, the job's cwd, HOME and TMPDIR: mode 0700, owned by the job's user.
 * The root is 0711 when jobs run as users of their own (they may pass through it, not list it),
 * else 0700; a root that someone else owns or opened up (a squatter in /tmp) is refused.
 */
export async function prepareJobHome(
  isolation: JobIsolation,
  jobId: string,
  user: JobUser | null,
): Promise<string> {
  const root = isolation.jobsRoot;
  await mkdir(root, { recursive: true, mode: 0o700 });
  const found = await lstat(root);
  const runner = process.getuid?.() ?? found.uid;
  if (!found.isDirectory() || found.uid !== runner) {
    throw new Error(
      `the jobs directory ${root} must be a directory owned by uid ${runner}: remove it or choose another`,
    );
  }
  await chmod(root, user === null ? 0o700 : 0o711);
  const home = join(root, jobId);
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700);
  if (user !== null) await chown(home, user.uid, user.gid);
  return home;
}
