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

/** The final status of a job whose wrapper recorded its end. */
export function describeExit(files: JobFiles, exit: JobExitFile): ExecutionStatus {
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
