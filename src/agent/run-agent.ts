import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionStatus, Executor } from '../app/ports/executor.js';
import type { LaunchReport } from '../app/ports/fleet-store.js';
import { isFinalState } from '../executors/is-final-state.js';
import type { VirtualGpus } from '../executors/local/gpu-inventory.js';
import { LocalExecutor, type LocalExecutorOptions } from '../executors/local/local-executor.js';
import { AgentClient, AgentHttpError, type AgentLaunch } from './agent-client.js';
import { AgentWorkDir } from './agent-work-dir.js';
import { detectNodeInventory } from './detect-node-inventory.js';

export interface AgentOptions {
  readonly server: string;
  readonly tokenFile: string;
  readonly site: string;
  readonly node: string;
  /** The agent's files and its runner's job directories. */
  readonly workDir: string;
  readonly version: string;
  readonly nvidiaSmi?: string | false;
  /** Declared GPUs when nvidia-smi finds none; registered as virtual. */
  readonly virtualGpus?: readonly VirtualGpus[];
  /** How often it claims and looks at its jobs; default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Runner settings passed through (time limits' grace, environment, working directory). */
  readonly runner?: Pick<LocalExecutorOptions, 'graceSeconds' | 'passEnv' | 'cwd'>;
  /** Where it says what it does (one line each). */
  readonly log?: (line: string) => void;
}

/** A job this agent runs: its runner handle, how much output was shipped, what was reported. */
interface Tracked {
  readonly jobId: string;
  readonly handle: string;
  shipped: number;
  reportedRunning: boolean;
}

const CLAIM_BATCH = 16;

/**
 * `usine agent`: registers its node, heartbeats, claims the node's launches and runs them with
 * the local runner, reporting state, exit and output. Exactly once: an intent record is flushed
 * before any process starts and a job with an intent is never started again — after a crash it
 * is adopted from the runner (`local:<jobId>` in the same work dir) or reported lost.
 */
export class Agent {
  private client: AgentClient | undefined;
  private readonly files: AgentWorkDir;
  private readonly runner: Executor;
  private readonly tracked = new Map<string, Tracked>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private heartbeatMs = 5_000;
  private lastHeartbeat = 0;
  private agentId = '';
  private registered = false;
  /** The last line said by `sayOnce`: a retry that fails the same way is not said again. */
  private lastSaid: string | undefined;

  constructor(private readonly options: AgentOptions) {
    this.files = new AgentWorkDir(options.workDir);
    this.runner = new LocalExecutor({
      workDir: options.workDir,
      nodeName: options.node,
      nvidiaSmi: false,
      ...options.runner,
    });
  }

  /**
   * Registers and adopts what runs, then works until `stop`. A refusal (bad key, unknown site)
   * is final and thrown; a control plane that is not up yet, or refuses writes for now (a
   * broken audit chain), is waited for in the background: the caller is never held.
   */
  async start(): Promise<void> {
    this.agentId = await this.files.readAgentId();
    this.client = new AgentClient(this.options.server, this.options.tokenFile, {
      site: this.options.site,
      node: this.options.node,
      agentId: this.agentId,
    });
    try {
      await this.register();
    } catch (error) {
      if (isRefusal(error)) throw error;
      this.sayOnce(`cannot register yet: ${describe(error)}; trying again every second`);
    }
    this.loop = this.work();
  }

  /** Stops claiming and reporting; the jobs keep running (the next start adopts them). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.runner.close();
  }

  get id(): string {
    return this.agentId;
  }

  private get http(): AgentClient {
    if (!this.client) throw new Error('the agent is not started');
    return this.client;
  }

  private async register(): Promise<void> {
    const inventory = await detectNodeInventory({
      nvidiaSmi: this.options.nvidiaSmi ?? 'nvidia-smi',
      virtualGpus: this.options.virtualGpus ?? [],
    });
    const registration = await this.http.register(this.options.version, inventory);
    this.heartbeatMs = registration.heartbeatSeconds * 1000;
    this.lastHeartbeat = Date.now();
    this.say(
      `registered node ${this.options.node} of site ${this.options.site} (${inventory.gpus.length} GPUs` +
        `${inventory.gpus.some((g) => g.virtual) ? ', virtual' : ''}); ${registration.open.length} launches to adopt`,
    );
    for (const launch of registration.open) await this.adopt(launch);
    this.registered = true;
    this.lastSaid = undefined;
  }

  private async work(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 200;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.registered) await this.tick();
        else await this.register();
      } catch (error) {
        if (error instanceof AgentHttpError && error.status === 404 && error.code === 'USINE_NOT_FOUND')
          this.registered = false;
        else if (this.registered) this.say(describe(error));
        else this.sayOnce(`cannot register yet: ${describe(error)}; trying again every second`);
      }
      const wait = this.registered ? poll : 1_000;
      await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    if (Date.now() - this.lastHeartbeat >= this.heartbeatMs) {
      const stop = await this.http.heartbeat([...this.tracked.keys()]);
      this.lastHeartbeat = Date.now();
      for (const jobId of stop) {
        const job = this.tracked.get(jobId);
        if (job) await this.runner.cancel(job.handle);
      }
    }
    for (const launch of await this.http.claim(CLAIM_BATCH)) await this.begin(launch);
    for (const job of [...this.tracked.values()]) await this.follow(job);
  }

  /** A launch claimed now: intent first, then the process; never a second process for one job. */
  private async begin(launch: AgentLaunch): Promise<void> {
    if (launch.cancelRequested) {
      await this.report(launch.jobId, ended('cancelled', 'cancelled before it started'));
      return;
    }
    if (!(await this.files.writeIntent(launch.jobId, new Date().toISOString()))) {
      // an earlier incarnation meant to start it: adopt, never start again
      this.track(launch, `local:${launch.jobId}`);
      return;
    }
    let handle: string;
    try {
      handle = await this.runner.launch({ ...launch.request, document: undefined });
    } catch (error) {
      await this.report(launch.jobId, ended('failed', `cannot start: ${describe(error)}`));
      return;
    }
    this.say(`started ${launch.jobId}`);
    this.track(launch, handle);
  }

  /** A launch open at registration: one this agent never began is begun; the others followed. */
  private async adopt(launch: AgentLaunch): Promise<void> {
    if (this.tracked.has(launch.jobId)) return;
    if (await this.files.hasIntent(launch.jobId))
      this.track(launch, launch.agentHandle ?? `local:${launch.jobId}`);
    else await this.begin(launch);
  }

  private track(launch: AgentLaunch, handle: string): void {
    this.tracked.set(launch.jobId, {
      jobId: launch.jobId,
      handle,
      shipped: launch.logBytes,
      reportedRunning: launch.state === 'running',
    });
  }

  /** Reports the job's start, ships its new output, and once it ended its last output and how. */
  private async follow(job: Tracked): Promise<void> {
    const status = await this.runner.status(job.handle);
    if (status.state === 'running' && !job.reportedRunning) {
      const answer = await this.report(job.jobId, {
        state: 'running',
        exitCode: null,
        reason: null,
        agentHandle: job.handle,
        startedAt: status.startedAt,
        finishedAt: null,
        endpoint: status.endpoint ?? null,
      });
      job.reportedRunning = true;
      if (!answer.applied && answer.state !== 'running') await this.runner.cancel(job.handle);
    }
    await this.ship(job);
    if (!isFinalState(status.state)) return;
    await this.report(job.jobId, describeEnd(job, status));
    this.tracked.delete(job.jobId);
    this.say(`${job.jobId} ${status.state}${status.reason ? ` (${status.reason})` : ''}`);
  }

  private async ship(job: Tracked): Promise<void> {
    for await (const text of this.runner.logs(job.handle, { offset: job.shipped, follow: false })) {
      const expected = job.shipped + Buffer.byteLength(text);
      job.shipped = await this.http.shipLog(job.jobId, job.shipped, text);
      if (job.shipped !== expected) return; // the control plane holds another end: go on from there
    }
  }

  private async report(jobId: string, report: LaunchReport) {
    try {
      return await this.http.report(jobId, report);
    } catch (error) {
      // not ours any more (another agent took the node over): nothing to tell
      if (error instanceof AgentHttpError && error.status === 404) return { applied: false, state: 'lost' };
      throw error;
    }
  }

  private say(line: string): void {
    this.options.log?.(`usine agent: ${line}`);
  }

  private sayOnce(line: string): void {
    if (line === this.lastSaid) return;
    this.lastSaid = line;
    this.say(line);
  }
}

/** The server refused this agent for good (a bad key, an unknown site): retrying will not help. */
function isRefusal(error: unknown): boolean {
  return error instanceof AgentHttpError && error.status < 500 && error.status !== 429;
}

function ended(state: 'cancelled' | 'failed', reason: string): LaunchReport {
  const at = new Date().toISOString();
  return { state, exitCode: null, reason, agentHandle: null, startedAt: null, finishedAt: at };
}

function describeEnd(job: Tracked, status: ExecutionStatus): LaunchReport {
  const state = status.state === 'pending' || status.state === 'running' ? 'lost' : status.state;
  const reason =
    status.state === 'lost' && !job.reportedRunning
      ? `the agent restarted while starting it and did not start it again (${status.reason ?? 'no record'})`
      : status.reason;
  return {
    state,
    exitCode: status.exitCode,
    reason,
    agentHandle: job.handle,
    startedAt: status.startedAt,
    finishedAt: status.finishedAt ?? new Date().toISOString(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
