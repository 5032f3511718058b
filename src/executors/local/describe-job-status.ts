import type { ExecutionStatus } from '../../app/ports/executor.js';
import type { JobExitFile, JobFiles } from './job-files.js';

const ERROR_TEXTS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  E2BIG: 'argument list too long',
};

/** `cannot start "foo": no such file`. */
export function describeSpawnError(program: string, exit: JobExitFile): string {
  const text = (exit.errorCode && ERROR_TEXTS[exit.errorCode]) ?? exit.message ?? 'unknown error';
  return `cannot start ${JSON.stringify(program)}: ${text}`;
}

function describeEnd(exit: JobExitFile): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.exitCode ?? 'unknown'}`;
}

/** `256 MiB`, `2 GiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  if (gib >= 1) return `${Number(gib.toFixed(2))} GiB`;
  return `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
}

/** What the job's cgroups saw: an OOM kill at its memory limit, forks refused at its pids limit. */
function describeLimitsHit(files: JobFiles, exit: JobExitFile): { oom: string | null; pids: string | null } {
  const limits = files.spec?.cgroup?.limits;
  const memory = limits?.memoryBytes === undefined ? '' : ` of ${formatBytes(limits.memoryBytes)}`;
  const oomKills = exit.oomKills ?? 0;
  const pidsRefused = exit.pidsRefused ?? 0;
  return {
    oom:
      oomKills > 0
        ? `out of memory: the kernel killed ${oomKills} of its processes at its memory limit${memory}`
        : null,
    pids:
      pidsRefused > 0
        ? `${pidsRefused} forks refused at its limit of ${limits?.pids ?? '?'} processes and threads`
        : null,
  };
}

/** The final status of a job whose wrapper recorded its end, with the limits it ran into. */
export function describeExit(files: JobFiles, exit: JobExitFile): ExecutionStatus {
  const status = describeOutcome(files, exit);
  const { oom, pids } = describeLimitsHit(files, exit);
  if (oom === null && pids === null) return status;
  if (status.state !== 'failed') {
    const notes = [oom, pids].filter((n) => n !== null).join('; ');
    return { ...status, reason: status.reason === null ? notes : `${status.reason} (${notes})` };
  }
  // the limit is the cause: said first, the way the job ended after it
  const cause = oom ?? pids ?? '';
  const rest = [oom === null ? null : pids, status.reason].filter((n) => n !== null).join('; ');
  return { ...status, reason: `${cause} (${rest})` };
}

function describeOutcome(files: JobFiles, exit: JobExitFile): ExecutionStatus {
  const base = {
    exitCode: exit.exitCode ?? null,
    startedAt: files.state?.startedAt ?? null,
    finishedAt: exit.finishedAt,
  };
  if (files.cancel !== undefined || exit.outcome === 'cancelled') {
    return { ...base, state: 'cancelled', reason: `cancelled (${describeEnd(exit)})` };
  }
  switch (exit.outcome) {
    case 'spawn-error':
      return { ...base, state: 'failed', reason: describeSpawnError(files.spec?.command[0] ?? '', exit) };
    case 'time-limit':
      return { ...base, state: 'failed', reason: files.spec?.timeLimitReason ?? 'time limit reached' };
    default:
      return exit.exitCode === 0
        ? { ...base, state: 'succeeded', reason: null }
        : { ...base, state: 'failed', reason: describeEnd(exit) };
  }
}

export function describeRunning(files: JobFiles): ExecutionStatus {
  return {
    state: 'running',
    exitCode: null,
    reason: null,
    startedAt: files.state?.startedAt ?? null,
    finishedAt: null,
  };
}

/** Nothing runs and no end was recorded: a cancel stopped it, or it died unwatched. */
export function describeVanished(files: JobFiles, now: Date): ExecutionStatus {
  const startedAt = files.state?.startedAt ?? null;
  if (files.cancel !== undefined) {
    return {
      state: 'cancelled',
      exitCode: null,
      reason: 'cancelled',
      startedAt,
      finishedAt: now.toISOString(),
    };
  }
  const pid = files.state?.wrapper.pid;
  return {
    state: 'lost',
    exitCode: null,
    reason:
      `its processes (wrapper pid ${pid ?? 'unknown'}) are gone and no exit status was recorded: ` +
      'killed with SIGKILL, or the machine restarted',
    startedAt,
    finishedAt: null,
  };
}

export function describeUnknown(reason: string): ExecutionStatus {
  return { state: 'lost', exitCode: null, reason, startedAt: null, finishedAt: null };
}
