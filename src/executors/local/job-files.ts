import { join } from 'node:path';
import { readJsonFile } from '../json-file.js';
import type { JobCgroup } from './job-cgroups.js';
import type { JobUser } from './job-users.js';
import type { ProcessIdentity } from './process-identity.js';

/**
 * The files of one local job, `<workDir>/jobs/<jobId>/`. Each has one writer, so no file is
 * ever written by two processes:
 * * `spec.json`   — the executor, before launch: what the wrapper runs and its limits;
 * * `state.json`  — the executor, after launch: the wrapper's pid, start time, boot id;
 * * `child.json`  — the wrapper: the command's pid (and process group), start time, boot id;
 * * `cancel.json` — the executor, on cancel: when it was asked;
 * * `exit.json`   — the wrapper, at the end: outcome, exit code or signal, end time;
 * * `output.log`  — the command's stdout and stderr, appended.
 */
export interface JobSpecFile {
  readonly jobId: string;
  readonly command: readonly string[];
  /** What the wrapper spawns: the command behind the steps that confine it (build-job-argv.ts). */
  readonly argv: readonly string[];
  /** The job's working directory; `home` unless the executor was given another. */
  readonly cwd: string;
  /** `<jobsRoot>/<jobId>`: the job's own directory, handed back to the runner when it ends. */
  readonly home: string;
  /** The user of its own it runs as; null: the runner's. */
  readonly user: JobUser | null;
  /** Its cgroups and limits; null: none (not available, see the log). */
  readonly cgroup: JobCgroup | null;
  readonly maxMs: number | null;
  readonly graceMs: number;
  readonly timeLimitReason: string;
  /** A Service replica's loopback port, given to it in $PORT. */
  readonly port?: number;
}

export interface JobStateFile {
  readonly jobId: string;
  readonly wrapper: ProcessIdentity;
  readonly startedAt: string;
}

export interface JobExitFile {
  readonly outcome: 'exited' | 'time-limit' | 'cancelled' | 'spawn-error';
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly errorCode?: string | null;
  readonly message?: string;
  /** Processes of the job the kernel killed at its memory limit (from its cgroup). */
  readonly oomKills?: number;
  /** Forks refused at its pids limit. */
  readonly pidsRefused?: number;
  readonly finishedAt: string;
}

export interface JobCancelFile {
  readonly requestedAt: string;
}

export interface JobFiles {
  readonly spec: JobSpecFile | undefined;
  readonly state: JobStateFile | undefined;
  readonly child: ProcessIdentity | undefined;
  readonly cancel: JobCancelFile | undefined;
  readonly exit: JobExitFile | undefined;
}

/** Job ids become directory names: nothing that could climb out of the work dir. */
export function isSafeJobId(jobId: string): boolean {
  return /^[A-Za-z0-9_.-]{1,200}$/.test(jobId) && jobId !== '.' && jobId !== '..';
}

export function locateJobDir(workDir: string, jobId: string): string {
  return join(workDir, 'jobs', jobId);
}

export function locateLogFile(jobDir: string): string {
  return join(jobDir, 'output.log');
}

export async function readJobFiles(jobDir: string): Promise<JobFiles> {
  const [spec, state, child, cancel, exit] = await Promise.all([
    readJsonFile<JobSpecFile>(join(jobDir, 'spec.json')),
    readJsonFile<JobStateFile>(join(jobDir, 'state.json')),
    readJsonFile<ProcessIdentity>(join(jobDir, 'child.json')),
    readJsonFile<JobCancelFile>(join(jobDir, 'cancel.json')),
    readJsonFile<JobExitFile>(join(jobDir, 'exit.json')),
  ]);
  return { spec, state, child, cancel, exit };
}
