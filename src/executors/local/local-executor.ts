import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type {
  ExecutionStatus,
  Executor,
  ExecutorCapabilities,
  GpuDevice,
  LaunchRequest,
} from '../../app/ports/executor.js';
import { describeTimeLimit } from '../describe-time-limit.js';
import { isFinalState } from '../is-final-state.js';
import { describeExit, describeRunning, describeUnknown, describeVanished } from './describe-job-status.js';
import { followLogFile } from './follow-log-file.js';
import { listVirtualGpus, queryNvidiaSmi, type VirtualGpus } from './gpu-inventory.js';
import {
  isSafeJobId,
  locateJobDir,
  locateLogFile,
  readJobFiles,
  type JobSpecFile,
  type JobStateFile,
} from './job-files.js';
import { writeJsonFile, writeTextFile } from '../json-file.js';
import { buildJobEnv } from './build-job-env.js';
import { identifyProcess, isProcessAlive, signalGroup } from './process-identity.js';
import { WRAPPER_SOURCE } from './wrapper-source.js';
import { SingleFlight } from '../single-flight.js';

export interface LocalExecutorOptions {
  /** Job directories live in `<workDir>/jobs/<jobId>/`; the wrapper program in `<workDir>`. */
  readonly workDir: string;
  /** Declared GPUs, used when `nvidia-smi` finds none (the catalog's `local` site); marked virtual. */
  readonly virtualGpus?: readonly VirtualGpus[];
  /** The node name in the inventory; default: the host name, or `local`. */
  readonly nodeName?: string;
  /** Seconds between SIGTERM and SIGKILL on cancel and at the time limit; default 10. */
  readonly graceSeconds?: number;
  /** How often `logs(…, {follow: true})` looks for new output; default 100 ms. */
  readonly pollIntervalMs?: number;
  /** The `nvidia-smi` program; `false` never asks it (tests, CPU-only machines). Default `nvidia-smi`. */
  readonly nvidiaSmi?: string | false;
  /** The working directory of jobs; default: Usine's own. */
  readonly cwd?: string;
  /** Variables of Usine's own environment passed to jobs; default PATH, HOME, USER, LANG, TZ… */
  readonly passEnv?: readonly string[];
}

const HANDLE_PREFIX = 'local:';

/** Parses `local:<jobId>`; undefined for any other handle. */
export function parseLocalHandle(handle: string): string | undefined {
  if (!handle.startsWith(HANDLE_PREFIX)) return undefined;
  const jobId = handle.slice(HANDLE_PREFIX.length);
  return isSafeJobId(jobId) ? jobId : undefined;
}

/**
 * Runs jobs as processes on this machine, each under a small detached wrapper that records its
 * exit and enforces its time limit even if Usine dies; see src/executors/README.md.
 */
export class LocalExecutor implements Executor {
  readonly capabilities: ExecutorCapabilities = { containers: false, fractionalGpus: true, simulated: false };
  private readonly workDir: string;
  private readonly nodeName: string;
  private readonly graceMs: number;
  private readonly pollIntervalMs: number;
  private readonly closing = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly launching = new SingleFlight<string>();
  private wrapperFile: Promise<string> | undefined;
  private gpus: Promise<GpuDevice[]> | undefined;

  constructor(private readonly options: LocalExecutorOptions) {
    this.workDir = options.workDir;
    this.nodeName = options.nodeName ?? (hostname() || 'local');
    this.graceMs = (options.graceSeconds ?? 10) * 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  inventory(): Promise<GpuDevice[]> {
    this.gpus ??= this.findGpus();
    return this.gpus;
  }

  private async findGpus(): Promise<GpuDevice[]> {
    const program = this.options.nvidiaSmi ?? 'nvidia-smi';
    const found = program === false ? undefined : await queryNvidiaSmi(program, this.nodeName);
    return found ?? listVirtualGpus(this.options.virtualGpus ?? [], this.nodeName);
  }

  /** Idempotent per job id: launching a job that already has a directory returns its handle. */
  launch(request: LaunchRequest): Promise<string> {
    return this.launching.run(request.jobId, () => this.startJob(request));
  }

  private async startJob(request: LaunchRequest): Promise<string> {
    if (!isSafeJobId(request.jobId)) {
      throw new Error(
        `job id ${JSON.stringify(request.jobId)} cannot name a directory: use letters, digits, _ . -`,
      );
    }
    if (request.command.length === 0) {
      throw new Error(
        request.image === undefined
          ? `job ${request.jobId} has no command to run`
          : `job ${request.jobId} asks for image ${JSON.stringify(request.image)} and no command: ` +
              'the local executor runs commands on this machine and cannot run container images; ' +
              'give a command, or place the job on a site whose backend supports containers',
      );
    }
    const env = buildJobEnv(request, process.env, this.options.passEnv);
    const handle = `${HANDLE_PREFIX}${request.jobId}`;
    const jobDir = locateJobDir(this.workDir, request.jobId);
    if ((await readJobFiles(jobDir)).state !== undefined) return handle;
    await mkdir(jobDir, { recursive: true });
    const spec: JobSpecFile = {
      jobId: request.jobId,
      command: request.command,
      maxMs: request.maxDurationSeconds === undefined ? null : request.maxDurationSeconds * 1000,
      graceMs: this.graceMs,
      timeLimitReason: describeTimeLimit(request.maxDurationSeconds ?? 0),
    };
    await writeJsonFile(join(jobDir, 'spec.json'), spec);
    const log = await open(locateLogFile(jobDir), 'a');
    try {
      if (request.image !== undefined) {
        await log.write(
          `[usine] image ${request.image} ignored: the local executor runs the command on this machine\n`,
        );
      }
      const wrapper = spawn(process.execPath, [await this.installWrapper(), jobDir], {
        cwd: this.options.cwd ?? process.cwd(),
        detached: true,
        env,
        stdio: ['ignore', log.fd, log.fd],
      });
      await once(wrapper, 'spawn');
      wrapper.unref();
      const state: JobStateFile = {
        jobId: request.jobId,
        wrapper: await identifyProcess(wrapper.pid ?? -1),
        startedAt: new Date().toISOString(),
      };
      await writeJsonFile(join(jobDir, 'state.json'), state);
    } finally {
      await log.close();
    }
    return handle;
  }

  /** Writes the wrapper program once per executor (rewritten so an upgrade takes effect). */
  private installWrapper(): Promise<string> {
    this.wrapperFile ??= (async () => {
      await mkdir(this.workDir, { recursive: true });
      const file = join(this.workDir, 'usine-job-wrapper.cjs');
      const current = await readFile(file, 'utf8').catch(() => '');
      if (current !== WRAPPER_SOURCE) await writeTextFile(file, WRAPPER_SOURCE);
      return file;
    })();
    return this.wrapperFile;
  }

  async status(handle: string): Promise<ExecutionStatus> {
    const jobId = parseLocalHandle(handle);
    if (jobId === undefined)
      return describeUnknown(`${JSON.stringify(handle)} is not a local executor handle`);
    const jobDir = locateJobDir(this.workDir, jobId);
    const files = await readJobFiles(jobDir);
    if (files.state === undefined) return describeUnknown(`no record of job ${jobId} under ${this.workDir}`);
    if (files.exit !== undefined) return describeExit(files, files.exit);
    if (await this.isRunning(files.state.wrapper, files.child)) return describeRunning(files);
    // It may have ended between the two reads.
    const again = await readJobFiles(jobDir);
    if (again.exit !== undefined) return describeExit(again, again.exit);
    return describeVanished(again, new Date());
  }

  private async isRunning(...identities: (JobStateFile['wrapper'] | undefined)[]): Promise<boolean> {
    for (const identity of identities) {
      if (identity !== undefined && (await isProcessAlive(identity))) return true;
    }
    return false;
  }

  /**
   * Asks the wrapper to stop the job (SIGTERM to its process group, SIGKILL after the grace
   * period); returns at once, the state turns `cancelled` when the processes are gone.
   */
  async cancel(handle: string): Promise<void> {
    const jobId = parseLocalHandle(handle);
    if (jobId === undefined) return;
    const jobDir = locateJobDir(this.workDir, jobId);
    const files = await readJobFiles(jobDir);
    if (files.state === undefined || files.exit !== undefined) return;
    if (files.cancel === undefined) {
      await writeJsonFile(join(jobDir, 'cancel.json'), { requestedAt: new Date().toISOString() });
    }
    const wrapper = files.state.wrapper;
    if (await isProcessAlive(wrapper)) process.kill(wrapper.pid, 'SIGTERM');
    else if (files.child !== undefined && (await isProcessAlive(files.child))) {
      signalGroup(files.child.pid, 'SIGTERM');
    }
    // Should the wrapper be stuck or gone, the executor finishes the job itself.
    const child = files.child;
    if (child !== undefined) {
      this.schedule(this.graceMs + 1_000, async () => {
        if (await isProcessAlive(child)) signalGroup(child.pid, 'SIGKILL');
      });
    }
  }

  private schedule(delayMs: number, action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action().catch(() => undefined);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  logs(handle: string, options: { offset: number; follow: boolean }): AsyncIterable<string> {
    const jobId = parseLocalHandle(handle);
    if (jobId === undefined) return followNothing();
    return followLogFile(locateLogFile(locateJobDir(this.workDir, jobId)), {
      offset: options.offset,
      follow: options.follow,
      pollIntervalMs: this.pollIntervalMs,
      isDone: async () => isFinalState((await this.status(handle)).state),
      signal: this.closing.signal,
    });
  }

  /** The handles of the jobs under the work dir whose processes still run. */
  async reconcile(): Promise<string[]> {
    const entries = await readdir(join(this.workDir, 'jobs')).catch(() => [] as string[]);
    const running: string[] = [];
    for (const jobId of entries.filter(isSafeJobId).sort()) {
      const handle = `${HANDLE_PREFIX}${jobId}`;
      if ((await this.status(handle)).state === 'running') running.push(handle);
    }
    return running;
  }

  /** Stops following logs; jobs keep running (a new executor on the same work dir adopts them). */
  async close(): Promise<void> {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

async function* followNothing(): AsyncGenerator<string> {}
