import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ExecutionStatus,
  Executor,
  ExecutorCapabilities,
  GpuDevice,
  LaunchRequest,
} from '../../app/ports/executor.js';
import type { JobView } from '../../api/schemas.js';
import { UsineApiError, UsineClient } from '../../sdk/usine-client.js';
import { isSafeJobId } from '../local/job-files.js';
import { describeTimeLimit } from '../describe-time-limit.js';
import { ORIGIN_JOB_LABEL, ORIGIN_LIMIT_LABEL } from '../../domain/jobs/labels.js';
import { buildPeerDocument } from './peer-document.js';
import { SingleFlight } from '../single-flight.js';

export interface PeerExecutorOptions {
  /** The peer Usine server, `https://factory-b.example:7777`. */
  readonly url: string;
  /** A file holding an API key of the tenant this factory runs as on the peer; re-read when it changes. */
  readonly tokenFile: string | undefined;
  /** The peer's own site to pin jobs to; undefined: the peer places them among its sites. */
  readonly remoteSite?: string;
  /** The local site name, for node names in the inventory and in reasons. */
  readonly site: string;
  /** The GPUs the origin's catalog declares for this peer site (marked virtual: declared, not seen). */
  readonly capacity?: readonly {
    gpuModel: string;
    gpuMemoryGiB: number;
    gpusPerNode: number;
    nodes: number;
  }[];
  /** `launch` waits up to this long for the peer to start the job before returning; default 0. */
  readonly startWaitMs?: number;
}

const HANDLE = /^peer:([^:]+):(.+)$/;
const PENDING = new Set(['queued', 'placed', 'admitted']);
const ACTIVE_STATUSES = ['queued', 'placed', 'admitted', 'running'] as const;

/** Parses `peer:<peerJobId>:<jobId>`. */
export function parsePeerHandle(handle: string): { peerJobId: string; jobId: string } | undefined {
  const match = HANDLE.exec(handle);
  if (!match?.[1] || !match[2] || !isSafeJobId(match[1]) || !isSafeJobId(match[2])) return undefined;
  return { peerJobId: match[1], jobId: match[2] };
}

/** The Idempotency-Key of a job sent to a peer: a retry (or a restarted origin) never submits twice. */
export function peerIdempotencyKey(jobId: string): string {
  return `usine-origin-${jobId}`;
}

/**
 * Another Usine server as a backend: the federation of factories. A job is submitted there
 * (its spec document, under the tenant whose key this factory holds, with an Idempotency-Key
 * derived from the local job id), its status is the peer job's, cancel and logs go there.
 * The peer re-checks the job against its own catalog and policy: its refusal comes back as
 * the job's failure with the peer's reasons.
 */
export class PeerExecutor implements Executor {
  readonly capabilities: ExecutorCapabilities = {
    containers: true,
    fractionalGpus: true,
    services: true,
    simulated: false,
  };
  private key: { mtimeMs: number; value: string } | undefined;
  private readonly launching = new SingleFlight<string>();
  private readonly closing = new AbortController();

  constructor(private readonly options: PeerExecutorOptions) {}

  async inventory(): Promise<GpuDevice[]> {
    const devices: GpuDevice[] = [];
    let n = 0;
    for (const row of this.options.capacity ?? [])
      for (let node = 0; node < row.nodes; node += 1) {
        n += 1;
        for (let index = 0; index < row.gpusPerNode; index += 1)
          devices.push({
            node: `${this.options.site}-node-${n}`,
            index,
            model: row.gpuModel,
            memoryGiB: row.gpuMemoryGiB,
            virtual: true,
          });
      }
    return devices;
  }

  launch(request: LaunchRequest): Promise<string> {
    return this.launching.run(request.jobId, () => this.submit(request));
  }

  async status(handle: string): Promise<ExecutionStatus> {
    const parsed = parsePeerHandle(handle);
    if (!parsed) return lost(`${handle} is not a peer handle`);
    let job: JobView;
    try {
      job = await (await this.client()).getJob(parsed.peerJobId);
    } catch (error) {
      if (error instanceof UsineApiError && error.status === 404)
        return lost(`the peer ${this.options.url} has no job ${parsed.peerJobId}`);
      throw error;
    }
    return mapPeerJob(job, this.options.url);
  }

  async cancel(handle: string): Promise<void> {
    const parsed = parsePeerHandle(handle);
    if (!parsed) return;
    try {
      await (await this.client()).cancelJob(parsed.peerJobId);
    } catch (error) {
      // finished (409) or unknown (404): cancel is a no-op
      if (!(error instanceof UsineApiError)) throw error;
    }
  }

  async *logs(handle: string, options: { offset: number; follow: boolean }): AsyncIterable<string> {
    const parsed = parsePeerHandle(handle);
    if (!parsed) return;
    let skip = Math.max(0, options.offset);
    try {
      const client = await this.client();
      for await (const chunk of client.streamLogs(parsed.peerJobId, options.follow, {
        signal: this.closing.signal,
      })) {
        const bytes = Buffer.from(chunk);
        if (skip >= bytes.length) {
          skip -= bytes.length;
          continue;
        }
        yield bytes.subarray(skip).toString();
        skip = 0;
      }
    } catch (error) {
      if (error instanceof UsineApiError || this.closing.signal.aborted) return;
      throw error;
    }
  }

  async reconcile(): Promise<string[]> {
    const client = await this.client();
    const handles: string[] = [];
    for (const status of ACTIVE_STATUSES) {
      const page = await client.listJobs({ status, limit: '500' });
      for (const job of page.items) {
        const origin = job.labels[ORIGIN_JOB_LABEL];
        if (origin && isSafeJobId(origin) && isSafeJobId(job.id)) handles.push(`peer:${job.id}:${origin}`);
      }
    }
    return handles;
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private async submit(request: LaunchRequest): Promise<string> {
    if (!isSafeJobId(request.jobId))
      throw new Error(`job id ${JSON.stringify(request.jobId)} cannot travel to a peer`);
    const document = buildPeerDocument(request, this.options.remoteSite);
    try {
      const { job } = await (
        await this.client()
      ).submitJob(JSON.stringify(document), peerIdempotencyKey(request.jobId), true);
      const handle = `peer:${job.id}:${request.jobId}`;
      const deadline = Date.now() + (this.options.startWaitMs ?? 0);
      while (Date.now() < deadline && (await this.status(handle)).state === 'pending') await sleep(50);
      return handle;
    } catch (error) {
      if (error instanceof UsineApiError)
        throw new Error(`the peer ${this.options.url} refused the job: ${error.message}`, { cause: error });
      throw error;
    }
  }

  private async client(): Promise<UsineClient> {
    return new UsineClient({ url: this.options.url, apiKey: await this.readKey() });
  }

  private async readKey(): Promise<string | undefined> {
    const file = this.options.tokenFile;
    if (!file) return undefined;
    const info = await stat(file);
    if (this.key?.mtimeMs !== info.mtimeMs)
      this.key = { mtimeMs: info.mtimeMs, value: (await readFile(file, 'utf8')).trim() };
    return this.key.value;
  }
}

function lost(reason: string): ExecutionStatus {
  return { state: 'lost', exitCode: null, reason, startedAt: null, finishedAt: null };
}

/** A peer job's status, as this factory's execution status; the peer's reasons are kept. */
export function mapPeerJob(job: JobView, url: string): ExecutionStatus {
  const times = {
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.placement
      ? { remotePlacement: { by: url, job: job.id, site: job.site, placement: job.placement } }
      : {}),
  };
  const where = `at peer ${url} (job ${job.id}${job.site ? ` on ${job.site}` : ''})`;
  if (PENDING.has(job.status))
    return {
      ...times,
      state: 'pending',
      exitCode: null,
      reason: `${job.status} ${where}${job.reason ? `: ${job.reason}` : ''}`,
    };
  switch (job.status) {
    case 'running':
      return { ...times, state: 'running', exitCode: null, reason: null };
    case 'succeeded':
      return { ...times, state: 'succeeded', exitCode: job.exitCode ?? 0, reason: null };
    case 'cancelled':
      return {
        ...times,
        state: 'cancelled',
        exitCode: null,
        reason: `cancelled ${where}${job.reason ? `: ${job.reason}` : ''}`,
      };
    case 'preempted':
      return {
        ...times,
        state: 'failed',
        exitCode: null,
        reason: `preempted ${where}${job.reason ? `: ${job.reason}` : ''}`,
      };
    case 'unplaceable':
      return {
        ...times,
        state: 'failed',
        exitCode: null,
        reason: `refused by the peer ${url}: ${job.reason ?? 'unplaceable there'}`,
      };
    default: {
      // the spec speaks whole seconds: say the origin's own limit when it was rounded
      const limit = job.labels[ORIGIN_LIMIT_LABEL];
      const reason =
        limit !== undefined && job.reason?.startsWith('time limit ')
          ? describeTimeLimit(Number(limit))
          : (job.reason ?? 'failed');
      return { ...times, state: 'failed', exitCode: job.exitCode, reason: `${reason} (${where})` };
    }
  }
}
