import { mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobIsolation } from './job-isolation.js';

/** The user a job runs as: a uid of the range, the gid of the same number, no supplementary groups. */
export interface JobUser {
  readonly uid: number;
  readonly gid: number;
  /** `usine-<uid>`: no passwd entry, only what USER and LOGNAME say. */
  readonly name: string;
  /** `<uidLockDir>/<uid>`: held while the uid is the job's; removed once nothing of it is left. */
  readonly lockFile: string;
}

/** What a uid's lock file holds: whose it is, so a runner releases only its own. */
export interface JobUserLock {
  readonly jobId: string;
  readonly jobDir: string;
  readonly at: string;
}

/** A small stable spread of job ids over the range, so consecutive jobs rarely probe the same uids. */
function spread(jobId: string, size: number): number {
  let hash = 0;
  for (const char of jobId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % size;
}

/** Whether any process runs as this uid (the owner of /proc/<pid> is its effective uid). */
export async function hasProcessesOf(uid: number): Promise<boolean> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const owner = await stat(`/proc/${entry}`).then(
      (s) => s.uid,
      () => undefined,
    );
    if (owner === uid) return true;
  }
  return false;
}

/**
 * Takes a free uid of the range for one job, as systemd's DynamicUser does: a lock file per uid,
 * created with O_EXCL, so two runners on one host never hand out the same uid. A uid that some
 * process already runs as (a real user of the range) is passed over.
 */
export async function allocateJobUser(
  isolation: Extract<JobIsolation, { runAs: 'job-user' }>,
  jobId: string,
  jobDir: string,
): Promise<JobUser> {
  const { first, last } = isolation.uids;
  await mkdir(isolation.uidLockDir, { recursive: true, mode: 0o700 });
  const size = last - first + 1;
  const start = spread(jobId, size);
  const lock: JobUserLock = { jobId, jobDir, at: new Date().toISOString() };
  for (let i = 0; i < size; i += 1) {
    const uid = first + ((start + i) % size);
    const lockFile = join(isolation.uidLockDir, String(uid));
    try {
      await writeFile(lockFile, `${JSON.stringify(lock)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    if (await hasProcessesOf(uid)) {
      await unlink(lockFile);
      continue;
    }
    return { uid, gid: uid, name: `usine-${uid}`, lockFile };
  }
  throw new Error(
    `no free job user: the ${size} uids ${first}–${last} are all in use (locks in ${isolation.uidLockDir})`,
  );
}
