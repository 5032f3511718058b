/**
 * What the Slurm executor needs of slurmrestd, in its own terms. Each OpenAPI version slurmrestd
 * serves (`v0.0.38`, `v0.0.40`…) is one module of the `SlurmApi` shape (`slurm-api-v00NN.ts`)
 * translating these shapes to and from that version's JSON; `negotiate-slurm-api.ts` picks one.
 * Nothing else in the executor knows a version.
 */

/** A submission in Slurm's own terms (minutes, node counts, a GPU count per node). */
export interface SlurmSubmission {
  readonly script: string;
  readonly name: string;
  readonly comment: string;
  readonly partition: string | undefined;
  readonly nodes: number;
  /** GPUs per node, of `gpuType` (`h100`, or '' when unknown); undefined for no GPU. */
  readonly gpusPerNode: { readonly type: string; readonly count: number } | undefined;
  readonly timeLimitMinutes: number | undefined;
  /** The job's memory per node in MiB (the spec's `memoryGiB`); undefined: the cluster's default. */
  readonly memoryPerNodeMiB: number | undefined;
  /** The job's CPUs per node (the spec's `cpus`); undefined: the cluster's default. */
  readonly cpusPerNode: number | undefined;
  readonly workingDirectory: string;
  readonly outputFile: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** One node of a job's allocation: which node Slurm chose, and which of its GPUs. */
export interface SlurmAllocatedNode {
  readonly node: string;
  readonly gpuIndices: readonly number[];
}

/** One job as slurmctld reports it. Times are Unix seconds, 0 when not yet known. */
export interface SlurmJobInfo {
  readonly jobId: number;
  readonly name: string;
  readonly comment: string;
  /** The state, then its flags: `RUNNING`, `CANCELLED+REQUEUED`… */
  readonly state: string;
  /** Slurm's reason code (`Resources`, `NonZeroExitCode`, `None`). */
  readonly reason: string;
  /** Slurm's reason in words, when it gives one (`state_description`), else ''. */
  readonly reasonDetail: string;
  /** The raw wait status (`exit 3` → 768, signal 9 → 9), however the version writes it. */
  readonly exitStatus: number | null;
  readonly startTime: number;
  readonly endTime: number;
  /** The allocated nodes as a host list (`gpu-[1-2]`), '' while pending. */
  readonly nodes: string;
  /** The nodes Slurm allocated, one by one, with their GPU indices (empty while pending). */
  readonly allocation: readonly SlurmAllocatedNode[];
  /** How many times Slurm requeued it (`restart_cnt`). */
  readonly restarts: number;
  readonly nodeCount: number;
  /** What was asked per node: `gres:gpu:h100:2` (v0.0.38) or `gres/gpu:h100:2`. */
  readonly tresPerNode: string;
  readonly standardOutput: string;
  readonly partition: string;
  readonly timeLimitMinutes: number | null;
}

export interface SlurmNodeInfo {
  readonly name: string;
  /** Lower case: `idle`, `mixed`, `allocated`, `down`… */
  readonly state: string;
  /** Upper case: `DRAIN`, `NOT_RESPONDING`… */
  readonly flags: readonly string[];
  /** `gpu:h100:8` or `gpu:h100:8(S:0-1),gpu:a100:2`. */
  readonly gres: string;
  readonly gresUsed: string;
  readonly reason: string;
  readonly partitions: readonly string[];
}

export interface SlurmError {
  readonly code: number;
  readonly message: string;
}

export interface SlurmApi {
  /** `v0.0.38`, as in slurmrestd's paths. */
  readonly version: string;
  readonly paths: {
    readonly ping: string;
    readonly submit: string;
    readonly jobs: string;
    job(id: number): string;
    readonly nodes: string;
  };
  buildSubmitBody(submission: SlurmSubmission): unknown;
  readJobs(body: unknown): SlurmJobInfo[];
  readNodes(body: unknown): SlurmNodeInfo[];
  readSubmittedJobId(body: unknown): number | undefined;
  readErrors(body: unknown): SlurmError[];
}

/** Slurm's "Invalid job id specified": the job is unknown or has left slurmctld's memory. */
export const SLURM_INVALID_JOB_ID = 2017;
