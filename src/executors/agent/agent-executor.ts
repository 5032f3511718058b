import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../app/ports/clock.js';
import type {
  BackendNode,
  ExecutionStatus,
  Executor,
  ExecutorCapabilities,
  GpuDevice,
  LaunchRequest,
} from '../../app/ports/executor.js';
import { FINAL_LAUNCH_STATES, type LaunchRecord, type NodeRecord } from '../../app/ports/fleet-store.js';
import type { Store } from '../../app/ports/store.js';
import type { CapacityRow } from '../../domain/catalog/catalog.js';
import { describeCapacityMismatch } from './describe-capacity-mismatch.js';

export interface AgentExecutorOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly site: string;
  /** A node silent for longer is unreachable: its launches are lost, its GPUs leave the inventory. */
  readonly graceSeconds: number;
  /** The shape the catalog declares; what agents report wins, a difference is warned about. */
  readonly expected?: readonly CapacityRow[];
  /** Told once per distinct mismatch between the catalog and the registered nodes. */
  readonly onWarning?: (message: string) => void;
  /** How often `logs(…, {follow: true})` looks for new chunks; default 200 ms. */
  readonly pollIntervalMs?: number;
}

const HANDLE_PREFIX = 'agent:';
/** Shipped output read per query while serving logs. */
const LOG_PAGE_BYTES = 1 << 20;

/** `agent:<node>:<jobId>` → the job id (job ids hold no colon). */
export function parseAgentHandle(handle: string): { node: string; jobId: string } | undefined {
  if (!handle.startsWith(HANDLE_PREFIX)) return undefined;
  const rest = handle.slice(HANDLE_PREFIX.length);
  const cut = rest.lastIndexOf(':');
  if (cut <= 0 || cut === rest.length - 1) return undefined;
  return { node: rest.slice(0, cut), jobId: rest.slice(cut + 1) };
}

/**
 * The control plane's side of a fleet of `usine agent` hosts, over the store: a launch is a row
 * the node's agent claims, runs and reports on; nothing here starts a process. See
 * src/executors/README.md (`agent`).
 */
export class AgentExecutor implements Executor {
  readonly capabilities: ExecutorCapabilities = {
    containers: false,
    fractionalGpus: true,
    services: true,
    simulated: false,
  };
  /** A DB read: the reconciler may ask at every pass, so a node that registers is used at once. */
  readonly inventoryRefreshMs = 0;
  private readonly closing = new AbortController();
  private lastWarning = '';

  constructor(private readonly options: AgentExecutorOptions) {}

  /** The GPUs of the site's reachable nodes (after marking the silent ones unreachable). */
  async inventory(): Promise<GpuDevice[]> {
    const nodes = (await this.sweep()).filter((n) => n.state === 'ready');
    const devices = nodes.flatMap((node) =>
      node.gpus.map((gpu) => ({
        node: node.name,
        index: gpu.index,
        model: gpu.model,
        memoryGiB: gpu.memoryGiB,
        virtual: gpu.virtual,
      })),
    );
    // before any agent registered there is nothing to compare yet
    if (nodes.length > 0) this.warnOnMismatch(devices);
    return devices;
  }

  async describeNodes(): Promise<BackendNode[]> {
    return (await this.sweep()).map((node) => {
      const gpus: Record<string, number> = {};
      for (const gpu of node.gpus) gpus[gpu.model] = (gpus[gpu.model] ?? 0) + 1;
      return {
        name: node.name,
        state: node.state,
        usable: node.state === 'ready',
        reason: node.state === 'ready' ? '' : this.describeSilence(node),
        gpus,
      };
    });
  }

  /** Assigns the job to its allocation's node, once: a second launch returns the first handle. */
  async launch(request: LaunchRequest): Promise<string> {
    const [node, ...others] = request.allocation.nodes;
    if (!node || others.length > 0) {
      throw new Error(
        `job ${request.jobId} spans ${request.allocation.nodes.length} nodes: agents run one node's share of a job, ` +
          'and gangs across agent nodes are not supported yet',
      );
    }
    const { document: _document, ...order } = request;
    const at = this.options.clock.now().toISOString();
    const launch = await this.options.store.transaction((tx) =>
      tx.assignLaunch(request.jobId, this.options.site, node.node, order, at),
    );
    return `${HANDLE_PREFIX}${launch.node}:${launch.jobId}`;
  }

  async status(handle: string): Promise<ExecutionStatus> {
    const parsed = parseAgentHandle(handle);
    if (!parsed) return lost(`${JSON.stringify(handle)} is not an agent handle`);
    let launch = await this.options.store.read((tx) => tx.getLaunch(parsed.jobId));
    if (!launch) return lost(`no launch of job ${parsed.jobId} was recorded`);
    if (!isFinal(launch)) {
      await this.sweep();
      launch = (await this.options.store.read((tx) => tx.getLaunch(parsed.jobId))) ?? launch;
    }
    return describeLaunch(launch);
  }

  /** Asks the node's agent to stop it (at its next heartbeat); a launch no agent took is cancelled now. */
  async cancel(handle: string): Promise<void> {
    const parsed = parseAgentHandle(handle);
    if (!parsed) return;
    const at = this.options.clock.now().toISOString();
    await this.options.store.transaction((tx) => tx.requestLaunchCancel(parsed.jobId, at));
  }

  /** The output the agent shipped, from a byte offset; `follow` polls until the launch is final and drained. */
  async *logs(handle: string, options: { offset: number; follow: boolean }): AsyncGenerator<string> {
    const parsed = parseAgentHandle(handle);
    if (!parsed) return;
    const decoder = new StringDecoder('utf8');
    let position = Math.max(0, options.offset);
    for (;;) {
      // asked before reading: a launch final before this read has shipped all its output
      const launch = await this.options.store.read((tx) => tx.getLaunch(parsed.jobId));
      const wasFinal = !options.follow || launch === undefined || isFinal(launch);
      for (;;) {
        const chunks = await this.options.store.read((tx) =>
          tx.readLaunchLog(parsed.jobId, position, LOG_PAGE_BYTES),
        );
        if (chunks.length === 0) break;
        for (const chunk of chunks) {
          const bytes = chunk.data.subarray(Math.max(0, position - chunk.offset));
          position = chunk.offset + chunk.data.length;
          const text = decoder.write(Buffer.from(bytes));
          if (text !== '') yield text;
        }
      }
      if (wasFinal || this.closing.signal.aborted) break;
      await sleep(this.options.pollIntervalMs ?? 200, undefined, { signal: this.closing.signal }).catch(
        () => undefined,
      );
    }
    const tail = decoder.end();
    if (tail !== '') yield tail;
  }

  /** The handles of the site's launches still open (assigned, claimed or running). */
  async reconcile(): Promise<string[]> {
    const nodes = await this.options.store.read((tx) => tx.listNodes(this.options.site));
    const handles: string[] = [];
    for (const node of nodes) {
      const open = await this.options.store.read((tx) => tx.listOpenLaunches(this.options.site, node.name));
      handles.push(...open.map((l) => `${HANDLE_PREFIX}${l.node}:${l.jobId}`));
    }
    return handles;
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  /**
   * Marks the nodes silent past the grace period unreachable, and their open launches lost
   * (one UPDATE each; any replica may do it, a node is marked once), then lists the site's nodes.
   */
  private async sweep(): Promise<NodeRecord[]> {
    const now = this.options.clock.now();
    const cutoff = new Date(now.getTime() - this.options.graceSeconds * 1000).toISOString();
    return this.options.store.transaction(async (tx) => {
      await tx.markUnreachableNodes(this.options.site, cutoff, now.toISOString(), (node) =>
        this.describeSilence(node),
      );
      return tx.listNodes(this.options.site);
    });
  }

  private describeSilence(node: NodeRecord): string {
    return `node ${node.name} unreachable since ${node.lastHeartbeatAt}`;
  }

  private warnOnMismatch(devices: readonly GpuDevice[]): void {
    const message = describeCapacityMismatch(this.options.site, this.options.expected ?? [], devices);
    if (message !== undefined && message !== this.lastWarning) this.options.onWarning?.(message);
    this.lastWarning = message ?? '';
  }
}

function isFinal(launch: LaunchRecord): boolean {
  return FINAL_LAUNCH_STATES.includes(launch.state);
}

function lost(reason: string): ExecutionStatus {
  return { state: 'lost', exitCode: null, reason, startedAt: null, finishedAt: null };
}

/** A launch as the port's status: assigned and claimed are pending, the rest as the agent said. */
function describeLaunch(launch: LaunchRecord): ExecutionStatus {
  const times = { startedAt: launch.startedAt, finishedAt: launch.finishedAt };
  switch (launch.state) {
    case 'assigned':
      return {
        state: 'pending',
        exitCode: null,
        reason: `waiting for the agent of node ${launch.node}`,
        ...times,
      };
    case 'claimed':
      return { state: 'pending', exitCode: null, reason: `starting on node ${launch.node}`, ...times };
    default:
      return {
        state: launch.state,
        exitCode: launch.exitCode,
        reason: launch.reason,
        ...times,
        ...(launch.endpoint ? { endpoint: launch.endpoint } : {}),
      };
  }
}
