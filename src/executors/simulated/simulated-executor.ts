import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../app/ports/clock.js';
import type {
  ExecutionStatus,
  Executor,
  ExecutorCapabilities,
  GpuDevice,
  LaunchRequest,
} from '../../app/ports/executor.js';
import type { CapacityRow } from '../../domain/catalog/catalog.js';
import { isFinalState } from '../is-final-state.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';
import { startOpenAiStandIn, type StandIn } from './openai-stand-in.js';
import { computeSimulatedStatus, writeSimulatedLog, type SimulatedLogContext } from './simulated-course.js';
import { encodeSimulatedHandle, parseSimulatedHandle, type SimulatedRun } from './simulated-handle.js';
import { SingleFlight } from '../single-flight.js';

export interface SimulatedExecutorOptions {
  readonly clock: Clock;
  /** Simulated seconds per real second: 3600 runs an hour-long job in one second. Default 3600. */
  readonly timeScale?: number;
  /** The site's name, used for node names (`<site>-node-1`) and in the logs. */
  readonly site?: string;
  /** The site's capacity rows (the catalog's); the inventory lists their GPUs as virtual. */
  readonly capacity?: readonly Pick<CapacityRow, 'gpuModel' | 'gpuMemoryGiB' | 'gpusPerNode' | 'nodes'>[];
  /**
   * Where launches and cancels are remembered across restarts (`<workDir>/simulated/`);
   * without it they live in memory: a restart still answers `status` from the handle, but
   * forgets cancels and `reconcile` lists nothing.
   */
  readonly workDir?: string;
  /** How often `logs(…, {follow: true})` looks again, in real milliseconds; default 200. */
  readonly pollIntervalMs?: number;
}

/** A simulated job fails with this exit code when its env sets it (to demo failures). */
export const SIMULATED_EXIT_CODE_ENV = 'USINE_SIMULATED_EXIT_CODE';

interface SimulatedRecord {
  readonly handle: string;
  readonly context: SimulatedLogContext;
  readonly cancelledAtMs: number | null;
  /** A Service replica: answered by an OpenAI-style stand-in until cancelled. */
  readonly listen?: boolean;
}

/** A simulated replica runs until it is stopped: this many simulated seconds is "never" here. */
const SERVICE_RUN_SECONDS = 1e12;

function readExitCode(env: Readonly<Record<string, string>>): number {
  const code = Number(env[SIMULATED_EXIT_CODE_ENV] ?? '0');
  return Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1;
}

function describeGpus(request: LaunchRequest): string {
  const parts = request.allocation.nodes.map((n) => `${n.node}[${n.gpuIndices.join(',')}]`);
  return parts.length > 0 ? parts.join(' ') : 'none';
}

/** A demo site: jobs advance on a scaled clock and everything is labelled simulated. */
export class SimulatedExecutor implements Executor {
  readonly capabilities: ExecutorCapabilities;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly site: string;
  private readonly records = new Map<string, SimulatedRecord>();
  private readonly closing = new AbortController();
  private readonly launching = new SingleFlight<string>();
  /** The stand-in of each running replica, in this process (started again after a restart). */
  private readonly standIns = new Map<string, Promise<StandIn>>();

  constructor(private readonly options: SimulatedExecutorOptions) {
    this.clock = options.clock;
    this.timeScale = options.timeScale ?? 3600;
    this.site = options.site ?? 'simulated';
    if (!(this.timeScale > 0)) throw new Error(`timeScale must be a positive number, not ${this.timeScale}`);
    this.capabilities = {
      containers: true,
      fractionalGpus: true,
      services: true,
      simulated: true,
      timeScale: this.timeScale,
    };
  }

  async inventory(): Promise<GpuDevice[]> {
    const devices: GpuDevice[] = [];
    let nodeNumber = 0;
    for (const row of this.options.capacity ?? []) {
      for (let n = 0; n < row.nodes; n += 1) {
        nodeNumber += 1;
        for (let index = 0; index < row.gpusPerNode; index += 1) {
          const node = `${this.site}-node-${nodeNumber}`;
          devices.push({ node, index, model: row.gpuModel, memoryGiB: row.gpuMemoryGiB, virtual: true });
        }
      }
    }
    return devices;
  }

  /** Idempotent per job id, like every executor's launch. */
  launch(request: LaunchRequest): Promise<string> {
    return this.launching.run(request.jobId, () => this.startRun(request));
  }

  private async startRun(request: LaunchRequest): Promise<string> {
    const known = await this.findRecord(request.jobId);
    if (known !== undefined) return known.handle;
    const run: SimulatedRun = {
      jobId: request.jobId,
      launchedAtMs: this.clock.now().getTime(),
      durationSeconds: request.listen ? SERVICE_RUN_SECONDS : request.durationSeconds,
      maxDurationSeconds: request.listen ? undefined : request.maxDurationSeconds,
      timeScale: this.timeScale,
      exitCode: readExitCode(request.env),
    };
    const context: SimulatedLogContext = {
      name: request.name,
      site: this.site,
      command: request.command,
      image: request.image,
      gpus: describeGpus(request),
    };
    const record: SimulatedRecord = {
      handle: encodeSimulatedHandle(run),
      context,
      cancelledAtMs: null,
      ...(request.listen ? { listen: true } : {}),
    };
    await this.saveRecord(request.jobId, record);
    return record.handle;
  }

  async status(handle: string): Promise<ExecutionStatus> {
    const run = parseSimulatedHandle(handle);
    if (run === undefined) {
      const reason = `${JSON.stringify(handle)} is not a simulated executor handle`;
      return { state: 'lost', exitCode: null, reason, startedAt: null, finishedAt: null };
    }
    const record = await this.findRecord(run.jobId);
    const status = computeSimulatedStatus(
      run,
      this.clock.now().getTime(),
      record?.cancelledAtMs ?? undefined,
    );
    if (!record?.listen) return status;
    if (status.state !== 'running') {
      await this.stopStandIn(run.jobId);
      return status;
    }
    return { ...status, endpoint: (await this.startStandIn(run.jobId)).url };
  }

  private startStandIn(jobId: string): Promise<StandIn> {
    let standIn = this.standIns.get(jobId);
    if (!standIn) {
      standIn = startOpenAiStandIn({ model: `simulated-${this.site}` });
      this.standIns.set(jobId, standIn);
    }
    return standIn;
  }

  private async stopStandIn(jobId: string): Promise<void> {
    const standIn = this.standIns.get(jobId);
    this.standIns.delete(jobId);
    if (standIn) await (await standIn).close();
  }

  async cancel(handle: string): Promise<void> {
    const run = parseSimulatedHandle(handle);
    if (run === undefined) return;
    const nowMs = this.clock.now().getTime();
    const record = await this.findRecord(run.jobId);
    if (record?.cancelledAtMs != null) return;
    if (isFinalState(computeSimulatedStatus(run, nowMs, undefined).state)) return;
    const context = record?.context ?? this.describeUnknownContext(run);
    await this.saveRecord(run.jobId, {
      handle,
      context,
      cancelledAtMs: nowMs,
      ...(record?.listen ? { listen: true } : {}),
    });
    await this.stopStandIn(run.jobId);
  }

  async *logs(handle: string, options: { offset: number; follow: boolean }): AsyncIterable<string> {
    const run = parseSimulatedHandle(handle);
    if (run === undefined) return;
    let offset = Math.max(0, options.offset);
    for (;;) {
      const record = await this.findRecord(run.jobId);
      const cancelledAtMs = record?.cancelledAtMs ?? undefined;
      const nowMs = this.clock.now().getTime();
      const context = record?.context ?? this.describeUnknownContext(run);
      const bytes = Buffer.from(writeSimulatedLog(run, context, nowMs, cancelledAtMs));
      if (bytes.length > offset) {
        yield bytes.subarray(offset).toString('utf8');
        offset = bytes.length;
      }
      const done = isFinalState(computeSimulatedStatus(run, nowMs, cancelledAtMs).state);
      if (!options.follow || done || this.closing.signal.aborted) return;
      await sleep(this.options.pollIntervalMs ?? 200, undefined, { signal: this.closing.signal }).catch(
        () => undefined,
      );
    }
  }

  /** The jobs launched (remembered in memory, or under the work dir) that still run. */
  async reconcile(): Promise<string[]> {
    await this.loadRecords();
    const running: string[] = [];
    for (const record of this.records.values()) {
      if ((await this.status(record.handle)).state === 'running') running.push(record.handle);
    }
    return running.sort();
  }

  /** Retention took the job's history: its record goes too (memory and file), so neither grows without end. */
  async forget(handle: string): Promise<void> {
    const run = parseSimulatedHandle(handle);
    if (run === undefined) return;
    this.records.delete(run.jobId);
    const file = this.recordFile(run.jobId);
    if (file !== undefined) await rm(file, { force: true });
  }

  /** Stops the stand-ins of this process too: a simulated replica lives in the server. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.standIns.keys()].map((jobId) => this.stopStandIn(jobId)));
  }

  private describeUnknownContext(run: SimulatedRun): SimulatedLogContext {
    return { name: run.jobId, site: this.site, command: [], image: undefined, gpus: 'unknown' };
  }

  private recordFile(jobId: string): string | undefined {
    const dir = this.options.workDir;
    return dir === undefined ? undefined : join(dir, 'simulated', `${encodeURIComponent(jobId)}.json`);
  }

  private async findRecord(jobId: string): Promise<SimulatedRecord | undefined> {
    const cached = this.records.get(jobId);
    if (cached !== undefined) return cached;
    const file = this.recordFile(jobId);
    const stored = file === undefined ? undefined : await readJsonFile<SimulatedRecord>(file);
    if (stored !== undefined) this.records.set(jobId, stored);
    return stored;
  }

  private async saveRecord(jobId: string, record: SimulatedRecord): Promise<void> {
    this.records.set(jobId, record);
    const file = this.recordFile(jobId);
    if (file === undefined) return;
    await mkdir(join(file, '..'), { recursive: true });
    await writeJsonFile(file, record);
  }

  private async loadRecords(): Promise<void> {
    const dir = this.options.workDir;
    if (dir === undefined) return;
    const names = await readdir(join(dir, 'simulated')).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      await this.findRecord(decodeURIComponent(name.slice(0, -'.json'.length)));
    }
  }
}
