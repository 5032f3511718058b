import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the local runner keeps a job from Usine and from other jobs; see src/executors/README.md. */
export interface JobIsolationOptions {
  /**
   * `job-user`: each job runs as a user of its own, allocated from `uids` (needs root);
   * `runner`: as the runner's own user (a single-tenant site). Default: `job-user` when the
   * runner is root, else `runner`.
   */
  readonly runAs?: 'job-user' | 'runner';
  /** The uids (and gids, the same numbers) given to jobs, like systemd's DynamicUser. Default 61000–61999. */
  readonly uids?: { readonly first: number; readonly last: number };
  /**
   * Where each job gets its directory (its cwd, HOME and TMPDIR), `<jobsRoot>/<jobId>`, mode 0700.
   * Never inside the data dir. Default `/var/lib/usine/jobs` as root, else `<tmp>/usine-jobs-<uid>`.
   */
  readonly jobsRoot?: string;
  /**
   * One file per uid in use, `<uidLockDir>/<uid>`, created exclusively: the uids are shared by every
   * runner of the host, whatever its work dir. Default `/run/usine/uids` (gone at reboot, as the jobs).
   */
  readonly uidLockDir?: string;
  /** util-linux's setpriv, which drops to the job's user; default `/usr/bin/setpriv`. */
  readonly setpriv?: string;
}

export type JobIsolation =
  | {
      readonly runAs: 'job-user';
      readonly uids: { readonly first: number; readonly last: number };
      readonly jobsRoot: string;
      readonly uidLockDir: string;
      readonly setpriv: string;
    }
  | { readonly runAs: 'runner'; readonly jobsRoot: string };

export const DEFAULT_JOB_UIDS = { first: 61000, last: 61999 } as const;

/** The isolation a runner with this uid gives its jobs; throws when asked for what it cannot do. */
export function resolveJobIsolation(
  options: JobIsolationOptions = {},
  runnerUid: number = process.getuid?.() ?? -1,
): JobIsolation {
  const isRoot = runnerUid === 0;
  const runAs = options.runAs ?? (isRoot ? 'job-user' : 'runner');
  if (runAs === 'runner') {
    return { runAs, jobsRoot: options.jobsRoot ?? join(tmpdir(), `usine-jobs-${runnerUid}`) };
  }
  if (!isRoot) {
    throw new Error(
      'jobs can run as users of their own only when the runner is root ' +
        `(it runs as uid ${runnerUid}): run it as root, or as a single-tenant site with runAs: runner`,
    );
  }
  const uids = options.uids ?? DEFAULT_JOB_UIDS;
  if (
    !Number.isInteger(uids.first) ||
    !Number.isInteger(uids.last) ||
    uids.first < 1000 ||
    uids.last < uids.first
  ) {
    throw new Error(`job uids ${uids.first}–${uids.last}: must be a range of whole numbers from 1000 up`);
  }
  return {
    runAs,
    uids,
    jobsRoot: options.jobsRoot ?? '/var/lib/usine/jobs',
    uidLockDir: options.uidLockDir ?? '/run/usine/uids',
    setpriv: options.setpriv ?? '/usr/bin/setpriv',
  };
}
