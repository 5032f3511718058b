import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  BackendApi,
  BackendNode,
  ExecutionStatus,
  Executor,
  ExecutorCapabilities,
  GpuDevice,
  LaunchRequest,
} from '../../app/ports/executor.js';
import { isFinalState } from '../is-final-state.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';
import { followLogFile } from '../local/follow-log-file.js';
import { isSafeJobId } from '../local/job-files.js';
import { buildBatchScript } from './batch-script.js';
import { findCompletions, type CompletionRecord } from './job-completion-file.js';
import {
  isRequeuedRun,
  mapSlurmState,
  type ExitRecord,
  type MapContext,
  type SlurmFacts,
} from './map-slurm-state.js';
import {
  SLURM_INVALID_JOB_ID,
  type SlurmAllocatedNode,
  type SlurmApi,
  type SlurmJobInfo,
} from './slurm-api.js';
import { SlurmClient } from './slurm-client.js';
import { describeSlurmNodes, type SlurmNodeHealth } from './slurm-nodes.js';
import { SingleFlight } from '../single-flight.js';

export interface SlurmExecutorOptions {
  /** slurmrestd, `http://127.0.0.1:6820`. */
  readonly url: string;
  /** The account jobs run as (`X-SLURM-USER-NAME`). */
  readonly user: string;
  /** The JWT file, re-read when it changes. */
  readonly tokenFile: string | undefined;
  /** The partition jobs go to; default: the cluster's default partition. */
  readonly partition?: string;
  /** Job scripts and outputs, `<workDir>/<jobId>/`; must be shared with the nodes and writable by `user`. */
  readonly workDir: string;
  /** One REST API version, not negotiated; default: the highest both sides speak (`negotiate-slurm-api.ts`). */
  readonly api?: SlurmApi;
  /** `jobcomp/filetxt`'s file, read when slurmctld no longer knows a job (past `MinJobAge`). */
  readonly completionFile?: string;
  /** GPU memory per model (`H100` → 80) for the inventory; Slurm does not report it. */
  readonly gpuMemoryGiB?: Readonly<Record<string, number>>;
  /** How often `logs(…, { follow: true })` looks for output; default 500 ms. */
  readonly pollIntervalMs?: number;
  /** `launch` waits up to this long for Slurm to start the job before returning; default 0. */
  readonly startWaitMs?: number;
  /** Seconds between SIGTERM and SIGKILL at Usine's time limit; default 10. */
  readonly graceSeconds?: number;
}

/** What `submitted.json` in the job's directory records. */
interface SubmittedFile {
  readonly slurmJobId: number;
  readonly maxDurationSeconds: number | null;
  readonly submittedAt: string;
}

/** Usage for metering: Slurm's own start and end, and what it allocated. */
export interface SlurmUsage {
  readonly slurmJobId: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly nodes: number;
  readonly gpusPerNode: number;
  readonly gpus: number;
  /** The nodes Slurm chose and their GPU indices (empty while pending). */
  readonly allocation: readonly SlurmAllocatedNode[];
}

const HANDLE = /^slurm:(\d+):(.+)$/;
const ACTIVE = new Set(['pending', 'running']);

/** Parses `slurm:<slurmJobId>:<jobId>`. */
export function parseSlurmHandle(handle: string): { slurmJobId: number; jobId: string } | undefined {
  const match = HANDLE.exec(handle);
  if (!match?.[1] || !match[2] || !isSafeJobId(match[2])) return undefined;
  return { slurmJobId: Number(match[1]), jobId: match[2] };
}

function formatHandle(slurmJobId: number, jobId: string): string {
  return `slurm:${slurmJobId}:${jobId}`;
}

/**
 * Runs jobs on a Slurm cluster through slurmrestd. Each Usine job is one batch job named
 * `usine-<jobId>` with comment `usine:<jobId>`; its script, output and exit record live in
 * `<workDir>/<jobId>/`, so a restarted Usine (or one that outlived slurmctld's memory of the
 * job) still knows how it ended, and never submits the same Usine job twice.
 */
export class SlurmExecutor implements Executor {
  readonly capabilities: ExecutorCapabilities = {
    containers: false,
    fractionalGpus: false,
    // a batch job under the partition's time limit, not a long-lived service
    services: false,
    simulated: false,
  };
  private readonly client: SlurmClient;
  private readonly launching = new SingleFlight<string>();
  /** Node name → its GPU gres types, from the last inventory (for `--gres=gpu:TYPE:N`). */
  private readonly nodeGpuTypes = new Map<string, string[]>();
  private readonly closing = new AbortController();
  private lastInventory: GpuDevice[] = [];

  constructor(private readonly options: SlurmExecutorOptions) {
    this.client = new SlurmClient({
      url: options.url,
      ...(options.api ? { api: options.api } : {}),
      user: options.user,
      tokenFile: options.tokenFile,
    });
  }

  /**
   * Checks that slurmrestd answers and takes the token. Not with `ping`: from v0.0.40 slurmrestd
   * answers it whatever the token; the node list needs a good one.
   */
  async ping(): Promise<void> {
    await this.client.call('GET', (api) => ({ path: api.paths.nodes }));
  }

  /**
   * The REST API version spoken with slurmrestd (negotiated now if none is yet), what slurmrestd
   * offers and Usine speaks, and why none is agreed when none is.
   */
  async describeApi(): Promise<BackendApi> {
    await this.client.api().catch(() => undefined);
    return this.client.choice;
  }

  /**
   * The GPUs of the partition's usable nodes (drained, down or failed ones left out). When
   * slurmrestd does not answer: the last inventory it gave (empty at first), with a warning,
   * so one unreachable cluster does not stop the other sites.
   */
  async inventory(): Promise<GpuDevice[]> {
    let nodes: SlurmNodeHealth[];
    try {
      nodes = await this.describeSlurmNodes();
    } catch (error) {
      process.emitWarning(
        `slurm inventory unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
      return this.lastInventory;
    }
    const devices: GpuDevice[] = [];
    for (const node of nodes) {
      this.nodeGpuTypes.set(
        node.name,
        node.gpus.map((g) => g.type),
      );
      if (!node.usable) continue;
      for (const group of node.gpus)
        for (let i = 0; i < group.count; i += 1)
          devices.push({
            node: node.name,
            index: devices.filter((d) => d.node === node.name).length,
            model: group.model,
            memoryGiB: this.memoryOf(group.model),
            virtual: false,
          });
    }
    this.lastInventory = devices;
    return devices;
  }

  /** Nodes of the partition with their GPUs by type and whether they are drained or down. */
  async describeSlurmNodes(): Promise<SlurmNodeHealth[]> {
    const { body, api } = await this.client.call('GET', (a) => ({ path: a.paths.nodes }));
    return describeSlurmNodes(api.readNodes(body), this.options.partition);
  }

  async describeNodes(): Promise<BackendNode[]> {
    return (await this.describeSlurmNodes()).map((n) => ({
      name: n.name,
      state: n.state,
      usable: n.usable,
      reason: n.reason,
      gpus: Object.fromEntries(n.gpus.map((g) => [g.model, g.count])),
    }));
  }

  launch(request: LaunchRequest): Promise<string> {
    return this.launching.run(request.jobId, () => this.launchOnce(request));
  }

  async status(handle: string): Promise<ExecutionStatus> {
    const parsed = parseSlurmHandle(handle);
    if (!parsed) return lost(`${handle} is not a Slurm handle`);
    const dir = this.jobDir(parsed.jobId);
    const [submitted, exit, cancelAsked] = await Promise.all([
      readJsonFile<SubmittedFile>(join(dir, 'submitted.json')),
      readJsonFile<ExitRecord>(join(dir, 'exit.json')),
      readFile(join(dir, 'cancel.json')).then(
        () => true,
        () => false,
      ),
    ]);
    const context = { exit, maxDurationSeconds: submitted?.maxDurationSeconds ?? undefined, cancelAsked };
    let job: SlurmJobInfo | undefined;
    try {
      job = await this.getJob(parsed.slurmJobId);
    } catch (error) {
      // Slurm down or slurmrestd unreachable: the exit record still tells a finished job
      if (exit) return mapSlurmState(factsFromExit(exit, cancelAsked), context);
      if (!submitted) throw error;
      return {
        state: 'running',
        exitCode: null,
        reason: `Slurm did not answer: ${error instanceof Error ? error.message : String(error)}`,
        startedAt: null,
        finishedAt: null,
      };
    }
    if (job) {
      if (job.comment !== `usine:${parsed.jobId}`)
        return lost(`Slurm job ${parsed.slurmJobId} is not Usine's job ${parsed.jobId}`);
      if (!isRequeuedRun(job, context)) return mapSlurmState(job, context);
      // its node failed and Slurm queued it again: stop the rerun, say where it failed
      if (job.state !== 'CANCELLED') await this.deleteJob(parsed.slurmJobId);
      const runs = await findCompletions(this.options.completionFile, parsed.slurmJobId);
      return mapSlurmState(job, withFailedRun(context, runs));
    }
    // forgotten by slurmctld: its completion records, one per run
    const runs = await findCompletions(this.options.completionFile, parsed.slurmJobId);
    const record = runs.at(-1);
    if (record && record.name === `usine-${parsed.jobId}`)
      return mapSlurmState({ ...record, restarts: runs.length - 1 }, withFailedRun(context, runs));
    if (exit) return mapSlurmState(factsFromExit(exit, cancelAsked), context);
    if (cancelAsked) return { ...lost('cancelled'), state: 'cancelled' };
    return lost(
      submitted
        ? `Slurm no longer knows job ${parsed.slurmJobId} and it left no exit record`
        : `no Slurm job ${parsed.slurmJobId} for ${parsed.jobId}`,
    );
  }

  /** Slurm's start and end times and the GPUs it allocated, for metering. */
  async usage(handle: string): Promise<SlurmUsage | undefined> {
    const parsed = parseSlurmHandle(handle);
    if (!parsed) return undefined;
    const job = await this.getJob(parsed.slurmJobId);
    if (!job) return undefined;
    const gpusPerNode = countGpus(job.tresPerNode);
    const nodes = job.nodeCount;
    const iso = (s: number) => (s > 0 ? new Date(s * 1000).toISOString() : null);
    return {
      slurmJobId: job.jobId,
      startedAt: iso(job.startTime),
      finishedAt: ACTIVE.has(
        mapSlurmState(job, { exit: undefined, maxDurationSeconds: undefined, cancelAsked: false }).state,
      )
        ? null
        : iso(job.endTime),
      nodes,
      gpusPerNode,
      gpus: gpusPerNode * nodes,
      allocation: job.allocation,
    };
  }

  async cancel(handle: string): Promise<void> {
    const parsed = parseSlurmHandle(handle);
    if (!parsed) return;
    const dir = this.jobDir(parsed.jobId);
    await writeJsonFile(join(dir, 'cancel.json'), { at: new Date().toISOString() }).catch(() => undefined);
    // finished or unknown jobs answer with an error: cancel is a no-op for them
    await this.deleteJob(parsed.slurmJobId);
  }

  async *logs(handle: string, options: { offset: number; follow: boolean }): AsyncIterable<string> {
    const parsed = parseSlurmHandle(handle);
    if (!parsed) return;
    yield* followLogFile(join(this.jobDir(parsed.jobId), 'output.log'), {
      offset: options.offset,
      follow: options.follow,
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      isDone: async () => isFinalState((await this.status(handle)).state),
      signal: this.closing.signal,
    });
  }

  async reconcile(): Promise<string[]> {
    const jobs = await this.listOwnJobs();
    const handles: string[] = [];
    for (const job of jobs) {
      const jobId = job.comment.slice('usine:'.length);
      const state = mapSlurmState(job, {
        exit: undefined,
        maxDurationSeconds: undefined,
        cancelAsked: false,
      }).state;
      if (ACTIVE.has(state)) handles.push(formatHandle(job.jobId, jobId));
    }
    return handles;
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private async launchOnce(request: LaunchRequest): Promise<string> {
    if (!isSafeJobId(request.jobId))
      throw new Error(`job id ${JSON.stringify(request.jobId)} cannot name a Slurm job`);
    if (request.image !== undefined && request.command.length === 0)
      throw new Error('the slurm executor runs no containers: give the job a command');
    const dir = this.jobDir(request.jobId);
    await mkdir(this.options.workDir, { recursive: true });
    const fresh = await mkdir(dir).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (!fresh) {
      // an earlier attempt got this far: adopt what it submitted rather than submit again
      const submitted = await readJsonFile<SubmittedFile>(join(dir, 'submitted.json'));
      if (submitted) return formatHandle(submitted.slurmJobId, request.jobId);
      const found = (await this.listOwnJobs()).filter((j) => j.comment === `usine:${request.jobId}`);
      const latest = found.sort((a, b) => b.jobId - a.jobId)[0];
      if (latest) {
        await this.recordSubmission(dir, latest.jobId, request);
        return formatHandle(latest.jobId, request.jobId);
      }
    }
    const script = buildBatchScript({
      jobId: request.jobId,
      command: request.command,
      jobDir: dir,
      maxDurationSeconds: request.maxDurationSeconds,
      graceSeconds: this.options.graceSeconds ?? 10,
      image: request.image,
    });
    await writeFile(join(dir, 'job.sh'), script, { mode: 0o755 });
    const nodes = Math.max(1, request.allocation.nodes.length);
    const perNode = Math.max(
      0,
      ...request.allocation.nodes.map((n) =>
        n.gpuIndices.length === 0 && n.milliGpus > 0 ? 1 : n.gpuIndices.length,
      ),
    );
    const types = request.allocation.nodes.flatMap((n) => this.nodeGpuTypes.get(n.node) ?? []);
    const limit = request.maxDurationSeconds;
    const submission = {
      script,
      name: `usine-${request.jobId}`,
      comment: `usine:${request.jobId}`,
      partition: this.options.partition,
      nodes,
      gpusPerNode: perNode > 0 ? { type: types[0] ?? '', count: perNode } : undefined,
      // Usine's limit is enforced by the script; Slurm's is the backstop, a minute later
      timeLimitMinutes: limit !== undefined ? Math.ceil(limit / 60) + 1 : undefined,
      // what the spec asks, so Slurm reserves it (and, with cgroups, holds the job to it)
      memoryPerNodeMiB:
        request.limits?.memoryBytes !== undefined
          ? Math.ceil(request.limits.memoryBytes / 2 ** 20)
          : undefined,
      cpusPerNode: request.limits?.cpus !== undefined ? Math.ceil(request.limits.cpus) : undefined,
      workingDirectory: dir,
      outputFile: join(dir, 'output.log'),
      environment: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ...request.env,
        USINE_JOB_ID: request.jobId,
        USINE_JOB_NAME: request.name,
      },
    };
    const { body: answer, api } = await this.client.send('POST', (a) => ({
      path: a.paths.submit,
      body: a.buildSubmitBody(submission),
    }));
    const slurmJobId = api.readSubmittedJobId(answer);
    // slurmrestd may report an error *and* create the job: a job id means it exists
    if (slurmJobId === undefined || slurmJobId <= 0) {
      const errors = api.readErrors(answer);
      throw new Error(
        `Slurm refused the job: ${errors.map((e) => `${e.message} (${e.code})`).join('; ') || 'no job id'}`,
      );
    }
    await this.recordSubmission(dir, slurmJobId, request);
    const handle = formatHandle(slurmJobId, request.jobId);
    await this.waitForStart(handle);
    return handle;
  }

  private async waitForStart(handle: string): Promise<void> {
    const deadline = Date.now() + (this.options.startWaitMs ?? 0);
    while (Date.now() < deadline) {
      if ((await this.status(handle)).state !== 'pending') return;
      await sleep(50);
    }
  }

  private async recordSubmission(dir: string, slurmJobId: number, request: LaunchRequest): Promise<void> {
    const record: SubmittedFile = {
      slurmJobId,
      maxDurationSeconds: request.maxDurationSeconds ?? null,
      submittedAt: new Date().toISOString(),
    };
    await writeJsonFile(join(dir, 'submitted.json'), record);
  }

  private async getJob(slurmJobId: number): Promise<SlurmJobInfo | undefined> {
    const { body, api } = await this.client.call('GET', (a) => ({ path: a.paths.job(slurmJobId) }), [
      SLURM_INVALID_JOB_ID,
    ]);
    return api.readJobs(body).find((j) => j.jobId === slurmJobId);
  }

  private async deleteJob(slurmJobId: number): Promise<void> {
    await this.client.send('DELETE', (api) => ({ path: api.paths.job(slurmJobId) }));
  }

  /** The Slurm jobs this executor submitted: Usine's comment and an output under its work dir. */
  private async listOwnJobs(): Promise<SlurmJobInfo[]> {
    const { body, api } = await this.client.call('GET', (a) => ({ path: a.paths.jobs }));
    const prefix = `${this.options.workDir.replace(/\/+$/, '')}/`;
    return api
      .readJobs(body)
      .filter(
        (j) =>
          j.comment.startsWith('usine:') &&
          j.name === `usine-${j.comment.slice('usine:'.length)}` &&
          j.standardOutput.startsWith(prefix),
      );
  }

  private jobDir(jobId: string): string {
    return join(this.options.workDir, jobId);
  }

  private memoryOf(model: string): number {
    const table = this.options.gpuMemoryGiB ?? {};
    const key = Object.keys(table).find((k) => k.toLowerCase() === model.toLowerCase());
    return key !== undefined ? (table[key] ?? 0) : 0;
  }
}

function lost(reason: string): ExecutionStatus {
  return { state: 'lost', exitCode: null, reason, startedAt: null, finishedAt: null };
}

function withFailedRun(context: MapContext, runs: readonly CompletionRecord[]): MapContext {
  const failedRun = runs.find((r) => r.state === 'NODE_FAIL');
  return failedRun ? { ...context, failedRun } : context;
}

function factsFromExit(exit: ExitRecord, cancelAsked: boolean): SlurmFacts {
  const state = exit.exitCode === 0 && !exit.timeLimit ? 'COMPLETED' : cancelAsked ? 'CANCELLED' : 'FAILED';
  return {
    state,
    reason: '',
    exitStatus: (exit.exitCode & 0xff) << 8,
    startTime: 0,
    endTime: 0,
    nodes: '',
    restarts: 0,
  };
}

/** `gres:gpu:h100:2` or `gres:gpu:2` → 2; 0 without GPUs. */
export function countGpus(tresPerNode: string): number {
  const match = /gpu(?::[^:,]+)?:(\d+)/.exec(tresPerNode);
  return match?.[1] ? Number(match[1]) : 0;
}
