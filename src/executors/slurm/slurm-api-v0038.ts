/**
 * Everything that depends on slurmrestd's OpenAPI version `v0.0.38` (Slurm 22.05, Debian 12):
 * the paths, the submit body, and reading its answers into the neutral shapes below. A newer
 * version (v0.0.40+: `job_state` as a list, times as `{ set, number }`) is another module of
 * the same shape, chosen by `SlurmApi.version`.
 */

/** A submission in Slurm's own terms (minutes, node counts, a gres string). */
export interface SlurmSubmission {
  readonly script: string;
  readonly name: string;
  readonly comment: string;
  readonly partition: string | undefined;
  readonly nodes: number;
  /** `gpu:h100:2` (per node), or undefined for no GPU. */
  readonly gresPerNode: string | undefined;
  readonly timeLimitMinutes: number | undefined;
  readonly workingDirectory: string;
  readonly outputFile: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** One job as slurmctld reports it. Times are Unix seconds, 0 when not yet known. */
export interface SlurmJobInfo {
  readonly jobId: number;
  readonly name: string;
  readonly comment: string;
  readonly state: string;
  readonly reason: string;
  /** The raw wait status (`exit 3` → 768). */
  readonly exitStatus: number | null;
  readonly startTime: number;
  readonly endTime: number;
  readonly nodes: string;
  /** How many times Slurm requeued it (`restart_cnt`). */
  readonly restarts: number;
  readonly nodeCount: number;
  /** `gres:gpu:h100:2`, what was asked per node. */
  readonly tresPerNode: string;
  readonly standardOutput: string;
  readonly partition: string;
  readonly timeLimitMinutes: number | null;
}

export interface SlurmNodeInfo {
  readonly name: string;
  /** Lower case: `idle`, `mixed`, `allocated`, `down`, `drained`… */
  readonly state: string;
  readonly flags: readonly string[];
  /** `gpu:h100:8` or `gpu:h100:8(S:0-1),gpu:a100:2`. */
  readonly gres: string;
  readonly gresUsed: string;
  readonly reason: string;
  readonly partitions: readonly string[];
}

export interface SlurmApi {
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

export interface SlurmError {
  readonly code: number;
  readonly message: string;
}

/** Slurm's "Invalid job id specified": the job is unknown or has left slurmctld's memory. */
export const SLURM_INVALID_JOB_ID = 2017;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

const BASE = '/slurm/v0.0.38';

export const SLURM_API_V0038: SlurmApi = {
  version: 'v0.0.38',
  paths: {
    ping: `${BASE}/ping`,
    submit: `${BASE}/job/submit`,
    jobs: `${BASE}/jobs`,
    job: (id) => `${BASE}/job/${id}`,
    nodes: `${BASE}/nodes`,
  },
  buildSubmitBody(s) {
    return {
      script: s.script,
      job: {
        name: s.name,
        comment: s.comment,
        ...(s.partition ? { partition: s.partition } : {}),
        nodes: s.nodes,
        ...(s.gresPerNode ? { gres: s.gresPerNode } : {}),
        ...(s.timeLimitMinutes !== undefined ? { time_limit: s.timeLimitMinutes } : {}),
        current_working_directory: s.workingDirectory,
        standard_output: s.outputFile,
        standard_error: s.outputFile,
        environment: s.environment,
        requeue: false,
      },
    };
  },
  readJobs(body) {
    return asArray(asObject(body).jobs).map((raw) => {
      const j = asObject(raw);
      return {
        jobId: integer(j.job_id) ?? 0,
        name: text(j.name),
        comment: text(j.comment),
        state: text(j.job_state).toUpperCase(),
        reason: text(j.state_reason),
        exitStatus: integer(j.exit_code),
        startTime: integer(j.start_time) ?? 0,
        endTime: integer(j.end_time) ?? 0,
        nodes: text(j.nodes),
        restarts: integer(j.restart_cnt) ?? 0,
        nodeCount: integer(j.node_count) ?? 0,
        tresPerNode: text(j.tres_per_node),
        standardOutput: text(j.standard_output),
        partition: text(j.partition),
        timeLimitMinutes: integer(j.time_limit),
      };
    });
  },
  readNodes(body) {
    return asArray(asObject(body).nodes).map((raw) => {
      const n = asObject(raw);
      return {
        name: text(n.name),
        state: text(n.state).toLowerCase(),
        flags: asArray(n.state_flags).map((f) => text(f).toUpperCase()),
        gres: text(n.gres),
        gresUsed: text(n.gres_used),
        reason: text(n.reason),
        partitions: asArray(n.partitions).map(text),
      };
    });
  },
  readSubmittedJobId(body) {
    return integer(asObject(body).job_id) ?? undefined;
  },
  readErrors(body) {
    return asArray(asObject(body).errors).map((raw) => {
      const e = asObject(raw);
      return {
        code: integer(e.error_number) ?? 0,
        message: [text(e.error), text(e.description)].filter((t) => t !== '').join(': '),
      };
    });
  },
};
