import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
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
import { findFreePort } from './find-free-port.js';
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
import { readJsonFile, writeJsonFile, writeTextFile } from '../json-file.js';
import { buildJobEnv } from './build-job-env.js';
import { buildJobArgv } from './build-job-argv.js';
import { createJobCgroup, detectCgroups, type CgroupSupport, type JobCgroup } from './job-cgroups.js';
import { resolveJobIsolation, type JobIsolation, type JobIsolationOptions } from './job-isolation.js';
import { allocateJobUser, type JobUser, type JobUserLock } from './job-users.js';
import { keepPublicPath } from './keep-public-path.js';
import { prepareJobHome } from './prepare-job-home.js';
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
  /** The working directory of jobs; default: each job's own directory (see `isolation.jobsRoot`). */
  readonly cwd?: string;
  /** Who jobs run as and where their directories are; default: users of their own when root. */
  readonly isolation?: JobIsolationOptions;
  /** `auto` (default): each job in cgroups of its own with its limits, where the host lets us; `off`: never. */
  readonly cgroups?: 'auto' | 'off';
  /** The most processes and threads one job may have at once (its cgroup's pids.max); default 16384. */
  readonly pidsLimit?: number;
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
  readonly capabilities: ExecutorCapabilities = {
    containers: false,
    fractionalGpus: true,
    services: true,
    simulated: false,
  };
  private readonly workDir: string;
  private readonly nodeName: string;
  private readonly graceMs: number;
  private readonly pollIntervalMs: number;
  private readonly closing = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly launching = new SingleFlight<string>();
  private wrapperFile: Promise<string> | undefined;
  private gpus: Promise<GpuDevice[]> | undefined;
  private cgroupSupport: Promise<CgroupSupport> | undefined;
  /** Who the jobs run as, resolved once; a runner that cannot give what was asked throws here. */
  readonly isolation: JobIsolation;

  constructor(private readonly options: LocalExecutorOptions) {
    this.isolation = resolveJobIsolation(options.isolation);
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
    const handle = `${HANDLE_PREFIX}${request.jobId}`;
    const jobDir = locateJobDir(this.workDir, request.jobId);
    const before = await readJobFiles(jobDir);
    if (before.state !== undefined) return handle;
    await mkdir(jobDir, { recursive: true, mode: 0o700 });
    await chmod(jobDir, 0o700);
    // a launch that crashed before state.json is retried with the user it had already taken
    const user = before.spec?.user ?? (await this.allocateUser(request.jobId, jobDir));
    try {
      await this.startWrapper(request, jobDir, user);
    } catch (error) {
      if (user !== null) await unlink(user.lockFile).catch(() => undefined);
      throw error;
    }
    return handle;
  }

  private allocateUser(jobId: string, jobDir: string): Promise<JobUser | null> {
    const isolation = this.isolation;
    return isolation.runAs === 'job-user' ? allocateJobUser(isolation, jobId, jobDir) : Promise.resolve(null);
  }

  private async startWrapper(request: LaunchRequest, jobDir: string, user: JobUser | null): Promise<void> {
    const home = await prepareJobHome(this.isolation, request.jobId, user);
    const env = buildJobEnv(
      request,
      process.env,
      this.options.passEnv,
      user === null ? undefined : { home, userName: user.name },
    );
    if (user !== null && env.PATH !== undefined) env.PATH = (await keepPublicPath(env.PATH)) ?? '';
    const port = request.listen ? await findFreePort() : undefined;
    if (port !== undefined) env.PORT = String(port);
    const log = await open(locateLogFile(jobDir), 'a', 0o600);
    try {
      const cgroup = await this.createCgroup(request, (text) => log.write(`[usine] ${text}\n`));
      const command = port === undefined ? request.command : substitutePort(request.command, port);
      const spec: JobSpecFile = {
        jobId: request.jobId,
        command,
        argv: buildJobArgv(command, {
          ...(this.isolation.runAs === 'job-user' ? { setpriv: this.isolation.setpriv } : {}),
          user,
          cgroupProcs: cgroup?.dirs.map((dir) => join(dir, 'cgroup.procs')) ?? [],
        }),
        cwd: this.options.cwd ?? home,
        home,
        user,
        cgroup,
        maxMs: request.maxDurationSeconds === undefined ? null : request.maxDurationSeconds * 1000,
        graceMs: this.graceMs,
        timeLimitReason: describeTimeLimit(request.maxDurationSeconds ?? 0),
        ...(port === undefined ? {} : { port }),
      };
      await writeJsonFile(join(jobDir, 'spec.json'), spec);
      if (request.image !== undefined) {
        await log.write(
          `[usine] image ${request.image} ignored: the local executor runs the command on this machine\n`,
        );
      }
      const wrapperFile = await this.installWrapper();
      // taken before the spawn: the event loop may be held (PGlite in the same process) before
      // the next line runs, and a late start would meter less than the job ran
      const startedAt = new Date().toISOString();
      const wrapper = spawn(process.execPath, [wrapperFile, jobDir], {
        cwd: jobDir,
        detached: true,
        env,
        stdio: ['ignore', log.fd, log.fd],
      });
      await once(wrapper, 'spawn');
      wrapper.unref();
      const state: JobStateFile = {
        jobId: request.jobId,
        wrapper: await identifyProcess(wrapper.pid ?? -1),
        startedAt,
      };
      await writeJsonFile(join(jobDir, 'state.json'), state);
    } finally {
      await log.close();
    }
  }

  /** The job's cgroups with its limits, or null (said in its log) where the host has none for us. */
  private async createCgroup(
    request: LaunchRequest,
    note: (text: string) => Promise<unknown>,
  ): Promise<JobCgroup | null> {
    if (this.options.cgroups === 'off') return null;
    this.cgroupSupport ??= detectCgroups();
    const support = await this.cgroupSupport;
    if ('unavailable' in support) {
      await note(`no cgroup for this job, so no memory, CPU or process limits: ${support.unavailable}`);
      return null;
    }
    return createJobCgroup(support, request.jobId, {
      ...request.limits,
      pids: this.options.pidsLimit ?? 16_384,
    });
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
    if (await this.isRunning(files.state.wrapper, files.child)) {
      const running = describeRunning(files);
      const port = files.spec?.port;
      return port === undefined ? running : { ...running, endpoint: `http://127.0.0.1:${port}` };
    }
    // It may have ended between the two reads.
    const again = await readJobFiles(jobDir);
    if (again.exit !== undefined) return describeExit(again, again.exit);
    await this.releaseVanished(jobDir, again.spec);
    return describeVanished(again, new Date());
  }

  /** A job whose wrapper died before giving back its uid and cgroups: the wrapper's own code does it. */
  private async releaseVanished(jobDir: string, spec: JobSpecFile | undefined): Promise<void> {
    const lock = spec?.user ? await readJsonFile<JobUserLock>(spec.user.lockFile) : undefined;
    const holdsUser = lock !== undefined && lock.jobId === spec?.jobId;
    const holdsCgroup = spec?.cgroup?.dirs.some((dir) => existsSync(dir)) ?? false;
    if (!holdsUser && !holdsCgroup) return;
    const wrapper = await this.installWrapper();
    await new Promise<void>((resolve) => {
      execFile(process.execPath, [wrapper, '--release', jobDir], { timeout: 30_000 }, () => resolve());
    });
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

/** A replica's words with `$PORT` and `${PORT}` replaced by its port (no shell expands them). */
function substitutePort(command: readonly string[], port: number): string[] {
  return command.map((word) => word.replaceAll('${PORT}', String(port)).replaceAll('$PORT', String(port)));
}
