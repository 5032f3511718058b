import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A job's resource limits; what is absent is not limited (pids always is: see `pidsLimit`). */
export interface JobLimits {
  readonly memoryBytes?: number;
  readonly cpus?: number;
  readonly pids?: number;
}

/** One job's cgroups (one per v1 controller, or the one v2 group) and the limits written there. */
export interface JobCgroup {
  readonly version: 1 | 2;
  readonly dirs: readonly string[];
  readonly limits: JobLimits;
}

/** Where job cgroups are made: `<hierarchy><runner's own cgroup>/usine/<jobId>`. */
export interface CgroupParents {
  readonly version: 1 | 2;
  /** v1: the `usine` dir of each controller's hierarchy (memory, pids, cpu); v2: one. */
  readonly parents: readonly { readonly controllers: readonly string[]; readonly dir: string }[];
}

export type CgroupSupport = CgroupParents | { readonly unavailable: string };

const WANTED = ['memory', 'pids', 'cpu'] as const;
const CGROUP_ROOT = '/sys/fs/cgroup';

/** `/proc/self/cgroup` lines `4:memory:/a/b` → the path of each controller (v2: key ``). */
function parseOwnCgroups(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of (match[1] ?? '').split(',')) own.set(controller, match[2] ?? '/');
  }
  return own;
}

/** v1 hierarchies from `/proc/self/mountinfo`: controller → mount point. */
function parseV1Mounts(text: string): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    const fields = before?.split(' ') ?? [];
    const [fsType, , superOptions] = after?.split(' ') ?? [];
    const mountPoint = fields[4];
    if (fsType !== 'cgroup' || mountPoint === undefined || superOptions === undefined) continue;
    for (const option of superOptions.split(',')) if (!mounts.has(option)) mounts.set(option, mountPoint);
  }
  return mounts;
}

/**
 * Finds where this runner may make job cgroups, under its own cgroup so that the jobs stay within
 * whatever limits the runner itself is given: cgroup v2 when `/sys/fs/cgroup/cgroup.controllers`
 * exists, else the v1 memory, pids and cpu hierarchies. Says why when it cannot (not root, a
 * read-only hierarchy, v2 controllers that cannot be delegated to a cgroup holding processes).
 */
export async function detectCgroups(): Promise<CgroupSupport> {
  try {
    const own = parseOwnCgroups(await readFile('/proc/self/cgroup', 'utf8'));
    if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return await prepareV2(own.get('') ?? '/');
    return await prepareV1(own, parseV1Mounts(await readFile('/proc/self/mountinfo', 'utf8')));
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

async function prepareV1(own: Map<string, string>, mounts: Map<string, string>): Promise<CgroupSupport> {
  const parents = new Map<string, string[]>();
  for (const controller of WANTED) {
    const mount = mounts.get(controller);
    if (mount === undefined) continue;
    const dir = join(mount, own.get(controller) ?? '/', 'usine');
    parents.set(dir, [...(parents.get(dir) ?? []), controller]);
  }
  if (parents.size === 0) return { unavailable: 'no cgroup v1 hierarchy for memory, pids or cpu is mounted' };
  for (const dir of parents.keys()) await mkdir(dir, { recursive: true });
  return { version: 1, parents: [...parents].map(([dir, controllers]) => ({ dir, controllers })) };
}

async function prepareV2(ownPath: string): Promise<CgroupSupport> {
  const base = join(CGROUP_ROOT, ownPath);
  const available = (await readFile(join(base, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/);
  const controllers = WANTED.filter((c) => available.includes(c));
  if (controllers.length === 0)
    return { unavailable: `cgroup v2: ${base} delegates none of memory, pids, cpu` };
  const enable = controllers.map((c) => `+${c}`).join(' ');
  const parent = join(base, 'usine');
  try {
    await writeFile(join(base, 'cgroup.subtree_control'), enable);
    await mkdir(parent, { recursive: true });
    await writeFile(join(parent, 'cgroup.subtree_control'), enable);
  } catch (error) {
    return {
      unavailable:
        `cgroup v2: cannot enable ${controllers.join(', ')} below ${base} (${(error as Error).message}); ` +
        'run the runner in a cgroup of its own with its controllers delegated (systemd: Delegate=yes)',
    };
  }
  return { version: 2, parents: [{ dir: parent, controllers }] };
}

/** The files and values of the limits, per controller and version. */
function describeLimitFiles(
  version: 1 | 2,
  controllers: readonly string[],
  limits: JobLimits,
): [string, string][] {
  const files: [string, string][] = [];
  const { memoryBytes, cpus, pids } = limits;
  if (controllers.includes('memory') && memoryBytes !== undefined) {
    const bytes = String(Math.floor(memoryBytes));
    if (version === 1) files.push(['memory.limit_in_bytes', bytes], ['memory.memsw.limit_in_bytes', bytes]);
    else files.push(['memory.max', bytes], ['memory.swap.max', '0'], ['memory.oom.group', '1']);
  }
  if (controllers.includes('pids') && pids !== undefined) files.push(['pids.max', String(pids)]);
  if (controllers.includes('cpu') && cpus !== undefined) {
    const quota = String(Math.max(1000, Math.round(cpus * 100_000)));
    if (version === 1) files.push(['cpu.cfs_period_us', '100000'], ['cpu.cfs_quota_us', quota]);
    else files.push(['cpu.max', `${quota} 100000`]);
  }
  return files;
}

/** Swap accounting files exist only where the kernel keeps it; their absence is no failure. */
const OPTIONAL_FILES = new Set(['memory.memsw.limit_in_bytes', 'memory.swap.max', 'memory.oom.group']);

/** Makes `usine/<jobId>` in each hierarchy and writes the limits; the job enters it before it runs. */
export async function createJobCgroup(
  support: CgroupParents,
  jobId: string,
  limits: JobLimits,
): Promise<JobCgroup> {
  const dirs: string[] = [];
  for (const parent of support.parents) {
    const dir = join(parent.dir, jobId);
    await mkdir(dir, { recursive: true });
    for (const [file, value] of describeLimitFiles(support.version, parent.controllers, limits)) {
      try {
        await writeFile(join(dir, file), value);
      } catch (error) {
        if (!(OPTIONAL_FILES.has(file) && (error as NodeJS.ErrnoException).code === 'ENOENT')) {
          throw new Error(`cannot set ${file} = ${value} in ${dir}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
    }
    dirs.push(dir);
  }
  return { version: support.version, dirs, limits };
}
