import type { JobUser } from './job-users.js';

/**
 * Puts the shell's own pid into each cgroup (`$1` of them, then their `cgroup.procs` files), then
 * execs the rest: the job's processes are in their cgroups before the first instruction of the
 * job runs, and the wrapper stays outside them (its memory and threads are not the job's).
 * The job's words are only ever `"$@"`, never parsed by the shell.
 */
const ENTER_CGROUPS =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done; exec "$@"';

export interface JobLaunchSteps {
  /** util-linux's setpriv, when the job runs as a user of its own. */
  readonly setpriv?: string;
  readonly user: JobUser | null;
  /** The `cgroup.procs` files of the job's cgroups (one per v1 controller, one for v2). */
  readonly cgroupProcs: readonly string[];
}

/**
 * What the wrapper spawns: `sh -c ENTER_CGROUPS` when there are cgroups, then `setpriv` to the
 * job's uid and gid with no supplementary groups, no capabilities (inheritable, ambient, bounding)
 * and `no_new_privs` (no setuid program gives any back), then the command. Each step execs the
 * next, so the command keeps the spawned pid and its process group.
 */
export function buildJobArgv(command: readonly string[], steps: JobLaunchSteps): string[] {
  const argv: string[] = [];
  if (steps.cgroupProcs.length > 0) {
    argv.push('/bin/sh', '-c', ENTER_CGROUPS, 'usine-enter-cgroups', String(steps.cgroupProcs.length));
    argv.push(...steps.cgroupProcs);
  }
  if (steps.user !== null) {
    if (steps.setpriv === undefined) throw new Error('a job user needs setpriv');
    argv.push(
      steps.setpriv,
      `--reuid=${steps.user.uid}`,
      `--regid=${steps.user.gid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--ambient-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
    );
  }
  argv.push(...command);
  return argv;
}
