import { readFile } from 'node:fs/promises';

/**
 * A process is named by its pid AND its start time (clock ticks since boot, field 22 of
 * /proc/<pid>/stat) and the boot id, so a pid reused after the job ended, or after a reboot,
 * is never mistaken for the job. Where /proc is missing (macOS), only the pid is checked.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string | null;
  readonly bootId: string | null;
}

interface ProcStat {
  readonly state: string;
  readonly startTime: string;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so cut at the last `)`. */
export function parseProcStat(text: string): ProcStat | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : undefined;
}

async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function readBootId(): Promise<string | null> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return null;
  }
}

export async function identifyProcess(pid: number): Promise<ProcessIdentity> {
  const [stat, bootId] = await Promise.all([readProcStat(pid), readBootId()]);
  return { pid, startTime: stat?.startTime ?? null, bootId };
}

function isSignalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone; EPERM: another user's process, so not one of our jobs (a reused pid).
    return false;
  }
}

/** Whether the very process that was identified still runs (a zombie counts as ended). */
export async function isProcessAlive(identity: ProcessIdentity): Promise<boolean> {
  if (!isSignalable(identity.pid)) return false;
  const bootId = await readBootId();
  if (identity.bootId !== null && bootId !== null && identity.bootId !== bootId) return false;
  const stat = await readProcStat(identity.pid);
  if (stat === undefined) return identity.startTime === null;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return identity.startTime === null || stat.startTime === identity.startTime;
}

/** Sends a signal to a process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
