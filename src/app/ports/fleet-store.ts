import type { LaunchRequest } from './executor.js';

/** One GPU of a node as its agent found it (`nvidia-smi`) or declared it (virtual). */
export interface NodeGpu {
  readonly index: number;
  /** `GPU-…` from nvidia-smi; null for a virtual GPU. */
  readonly uuid: string | null;
  readonly model: string;
  readonly memoryGiB: number;
  /** The board's power limit; null when unknown. */
  readonly powerLimitW: number | null;
  readonly virtual: boolean;
}

/** What an agent reports about its host when it registers. */
export interface NodeInventory {
  readonly gpus: readonly NodeGpu[];
  readonly cpus: number;
  readonly memoryMiB: number;
}

export type NodeState = 'ready' | 'unreachable';

export interface NodeRecord extends NodeInventory {
  readonly site: string;
  readonly name: string;
  readonly agentId: string;
  readonly agentVersion: string;
  readonly registeredAt: string;
  readonly lastHeartbeatAt: string;
  readonly state: NodeState;
}

/**
 * A launch's course: `assigned` (the control plane's decision) → `claimed` (an agent took it)
 * → `running` → `succeeded | failed | cancelled | lost`; `assigned → cancelled` when cancelled
 * before any agent took it, and any open state → `lost` when its node stops heartbeating.
 */
export const LAUNCH_STATES = [
  'assigned',
  'claimed',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'lost',
] as const;
export type LaunchState = (typeof LAUNCH_STATES)[number];
export const FINAL_LAUNCH_STATES: readonly LaunchState[] = ['succeeded', 'failed', 'cancelled', 'lost'];

/** The part of a launch request an agent needs to run it (the spec document stays behind). */
export type LaunchOrder = Omit<LaunchRequest, 'document'>;

export interface LaunchRecord {
  readonly jobId: string;
  readonly site: string;
  readonly node: string;
  readonly request: LaunchOrder;
  readonly state: LaunchState;
  readonly exitCode: number | null;
  readonly reason: string | null;
  readonly agentId: string | null;
  readonly agentHandle: string | null;
  readonly cancelRequestedAt: string | null;
  readonly assignedAt: string;
  readonly claimedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly updatedAt: string;
  /** Bytes of output shipped so far: where the agent's next chunk starts. */
  readonly logBytes: number;
  /** Where a Service replica listens, once its agent said so. */
  readonly endpoint: string | null;
}

/** What an agent says happened to a launch it claimed. */
export interface LaunchReport {
  readonly state: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';
  readonly exitCode: number | null;
  readonly reason: string | null;
  readonly agentHandle: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** A Service replica's: where its process listens (`http://127.0.0.1:41234`), with `running`. */
  readonly endpoint?: string | null;
}

/** The fleet of agent hosts: their nodes, the launches assigned to them, the logs they ship. */
export interface FleetStoreTx {
  /** Inserts or replaces the node's registration; it is `ready` with a heartbeat at `at`. */
  registerNode(node: Omit<NodeRecord, 'state' | 'lastHeartbeatAt'>): Promise<NodeRecord>;
  /** The node's heartbeat from the agent `agentId`; undefined when it is not registered by it. */
  recordHeartbeat(site: string, name: string, agentId: string, at: string): Promise<NodeRecord | undefined>;
  listNodes(site?: string): Promise<NodeRecord[]>;
  /**
   * Marks `unreachable` every node of `site` that is `ready` and heartbeat last before
   * `cutoff`, and `lost` each open launch on them with the reason `reason(node)`; returns the
   * nodes marked (none again once marked).
   */
  markUnreachableNodes(
    site: string,
    cutoff: string,
    at: string,
    reason: (node: NodeRecord) => string,
  ): Promise<NodeRecord[]>;

  /** Assigns the job to the node unless it already has a launch; returns the launch either way. */
  assignLaunch(
    jobId: string,
    site: string,
    node: string,
    request: LaunchOrder,
    at: string,
  ): Promise<LaunchRecord>;
  getLaunch(jobId: string): Promise<LaunchRecord | undefined>;
  /**
   * One statement: up to `limit` assigned launches of the node, oldest first, skipping rows
   * another claim holds (FOR UPDATE SKIP LOCKED), stamped `claimed` by `agentId`.
   */
  claimLaunches(
    site: string,
    node: string,
    agentId: string,
    limit: number,
    at: string,
  ): Promise<LaunchRecord[]>;
  /** The node's launches that are claimed or running (what a restarted agent must adopt). */
  listOpenLaunches(site: string, node: string): Promise<LaunchRecord[]>;
  /**
   * The agent's report, applied only while the launch is open and claimed by `agentId`
   * (`running` only from `claimed`); undefined when it was not applied.
   */
  reportLaunch(
    jobId: string,
    agentId: string,
    report: LaunchReport,
    at: string,
  ): Promise<LaunchRecord | undefined>;
  /**
   * Asks the agent to stop the launch: an `assigned` one is `cancelled` at once (no agent
   * will ever take it), an open one gets `cancel_requested_at`. Undefined when already final.
   */
  requestLaunchCancel(jobId: string, at: string): Promise<LaunchRecord | undefined>;
  /** An open launch whose node is unreachable: `lost` with the reason; undefined when not open. */
  markLaunchLost(jobId: string, reason: string, at: string): Promise<LaunchRecord | undefined>;
  /**
   * Appends a chunk of output at `offset` if it starts where the shipped output ends; a chunk
   * already held is ignored. Returns the end of the shipped output after it.
   */
  appendLaunchLog(jobId: string, offset: number, data: Uint8Array): Promise<number>;
  /** Shipped output from `offset`, at most `maxBytes` (whole chunks; the first may start before). */
  readLaunchLog(
    jobId: string,
    offset: number,
    maxBytes: number,
  ): Promise<{ offset: number; data: Uint8Array }[]>;
}
