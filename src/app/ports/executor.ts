import type { Allocation } from './records.js';

/** What a backend can do; the core asks these, never a backend's name. */
export interface ExecutorCapabilities {
  readonly containers: boolean;
  readonly fractionalGpus: boolean;
  /** Runs long-lived services (`kind: Service`): no batch time limit of its own. */
  readonly services: boolean;
  /** Jobs advance on a scaled clock; everything it reports is labelled simulated. */
  readonly simulated: boolean;
  /**
   * Simulated seconds per wall-clock second (absent: 1, a real backend). Usage is metered at
   * this scale, so a simulated job bills the run time its estimate counted.
   */
  readonly timeScale?: number;
}

export interface LaunchRequest {
  readonly jobId: string;
  readonly name: string;
  readonly command: readonly string[];
  readonly image: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly allocation: Allocation;
  /** Stop the job past this many seconds; undefined: no limit. */
  readonly maxDurationSeconds: number | undefined;
  /** The user's estimate (a simulated backend runs for this long, scaled). */
  readonly durationSeconds: number;
  /** The job's spec document as submitted: a peer Usine is sent the job in its own words. */
  readonly document?: unknown;
  /**
   * What the job may use on each node (the spec's `resources.memoryGiB` and `cpus`); a backend
   * that enforces limits (the local one, through cgroups) stops it there, others may ignore it.
   */
  readonly limits?: { readonly memoryBytes?: number; readonly cpus?: number };
  /**
   * A Service replica: the backend gives it a port to listen on (`$PORT`) and reports where it
   * listens in `ExecutionStatus.endpoint`.
   */
  readonly listen?: boolean;
}

export type ExecutionState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';

export interface ExecutionStatus {
  readonly state: ExecutionState;
  readonly exitCode: number | null;
  /** Why: `exit code 2`, `time limit 2h reached`, `killed by SIGTERM`, Slurm's pending reason… */
  readonly reason: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /**
   * Where a backend that places jobs itself (a peer Usine) put this one and why: its own
   * placement explanation, kept with the local one once it is known.
   */
  readonly remotePlacement?: RemotePlacement;
  /** A Service replica's base URL (`http://127.0.0.1:41234`), once it was given a port. */
  readonly endpoint?: string;
}

export interface RemotePlacement {
  /** The backend that decided (a peer's URL). */
  readonly by: string;
  /** The job there. */
  readonly job: string;
  readonly site: string | null;
  readonly placement: unknown;
}

export interface GpuDevice {
  readonly node: string;
  readonly index: number;
  readonly model: string;
  readonly memoryGiB: number;
  readonly virtual: boolean;
}

/** One node as a backend with nodes of its own reports it (Slurm): state, and why it is out. */
export interface BackendNode {
  readonly name: string;
  /** The backend's words: `idle`, `mixed`, `allocated`, `idle+drain`, `down`… */
  readonly state: string;
  /** False when drained, down or failed: its GPUs are left out of the inventory. */
  readonly usable: boolean;
  readonly reason: string;
  /** GPUs by model. */
  readonly gpus: Readonly<Record<string, number>>;
}

/** The API version Usine speaks to a backend whose API has versions (Slurm's slurmrestd). */
export interface BackendApi {
  /** `v0.0.42`; null while none is agreed (unreachable, or no version in common). */
  readonly version: string | null;
  /** What the backend offered when last asked (empty before). */
  readonly offered: readonly string[];
  /** What Usine speaks. */
  readonly spoken: readonly string[];
  /** Why no version is agreed, when none is. */
  readonly problem: string | null;
}

/** One backend: local processes, Slurm, a peer Usine, or a simulation. */
export interface Executor {
  readonly capabilities: ExecutorCapabilities;
  /** The GPUs this backend runs on (virtual ones marked). */
  inventory(): Promise<GpuDevice[]>;
  /**
   * How long the reconciler may reuse an inventory before asking again; default
   * INVENTORY_REFRESH_MS. A backend whose inventory is a cheap read (agents' registrations) says 0.
   */
  readonly inventoryRefreshMs?: number;
  /** Its nodes and their health, for backends that have nodes of their own (Slurm). */
  describeNodes?(): Promise<BackendNode[]>;
  /** The API version spoken with it, for backends whose API has versions (Slurm). */
  describeApi?(): Promise<BackendApi>;
  /** Starts the job; returns a handle that survives restarts (stored with the job). */
  launch(request: LaunchRequest): Promise<string>;
  status(handle: string): Promise<ExecutionStatus>;
  cancel(handle: string): Promise<void>;
  /** Log bytes from `offset`; `follow` keeps the iterator open until the job ends. */
  logs(handle: string, options: { offset: number; follow: boolean }): AsyncIterable<string>;
  /** After a restart: the handles this backend still knows, so lost jobs can be told apart. */
  reconcile(): Promise<string[]>;
  /**
   * Drops what this backend keeps of a finished job (retention took its history); a backend
   * that keeps nothing, or whose files live on other hosts, has none.
   */
  forget?(handle: string): Promise<void>;
  close(): Promise<void>;
}
