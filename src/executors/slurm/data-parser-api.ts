import type { SlurmApi } from './slurm-api.js';
import {
  asArray,
  asObject,
  integer,
  readAllocation,
  readSlurmErrors,
  text,
  wrapInteger,
  wrappedInteger,
  type Json,
} from './read-slurm-json.js';
import { formatGres } from './slurm-nodes.js';

/** Where the versions of slurmrestd's data parser (v0.0.40 and later) differ, for what Usine uses. */
export interface DataParserDifferences {
  /** `v0.0.41`. */
  readonly version: string;
  /** The script in `job.script` (v0.0.41+, the top-level `script` deprecated) or beside the job (v0.0.40). */
  readonly scriptInJob: boolean;
  /** The allocated nodes' names from a job's `job_resources`, in Slurm's order. */
  allocatedNodeNames(jobResources: Json): string[];
}

/**
 * A `SlurmApi` for the data-parser versions (Slurm 23.02 and later): numbers wrapped as
 * `{ set, infinite, number }`, `job_state` and node `state` as lists of flags, exit codes as
 * `{ status, return_code, signal }`, the environment as `NAME=value` strings, GPUs asked as
 * `tres_per_node: gres/gpu:h100:2`, node counts as strings. Each version's module says what differs.
 */
export function dataParserApi(differences: DataParserDifferences): SlurmApi {
  const base = `/slurm/${differences.version}`;
  return {
    version: differences.version,
    paths: {
      ping: `${base}/ping/`,
      submit: `${base}/job/submit`,
      jobs: `${base}/jobs/`,
      job: (id) => `${base}/job/${id}`,
      nodes: `${base}/nodes/`,
    },
    buildSubmitBody(s) {
      const job = {
        ...(differences.scriptInJob ? { script: s.script } : {}),
        name: s.name,
        comment: s.comment,
        ...(s.partition ? { partition: s.partition } : {}),
        nodes: String(s.nodes),
        ...(s.gpusPerNode ? { tres_per_node: formatGres('gres/gpu', s.gpusPerNode) } : {}),
        ...(s.timeLimitMinutes !== undefined ? { time_limit: wrapInteger(s.timeLimitMinutes) } : {}),
        ...(s.memoryPerNodeMiB !== undefined ? { memory_per_node: wrapInteger(s.memoryPerNodeMiB) } : {}),
        ...(s.cpusPerNode !== undefined ? { minimum_cpus_per_node: s.cpusPerNode } : {}),
        current_working_directory: s.workingDirectory,
        standard_output: s.outputFile,
        standard_error: s.outputFile,
        environment: Object.entries(s.environment).map(([name, value]) => `${name}=${value}`),
        requeue: false,
      };
      return differences.scriptInJob ? { job } : { script: s.script, job };
    },
    readJobs(body) {
      return asArray(asObject(body).jobs).map((raw) => {
        const j = asObject(raw);
        return {
          jobId: integer(j.job_id) ?? 0,
          name: text(j.name),
          comment: text(j.comment),
          state: readFlags(j.job_state).join('+'),
          reason: text(j.state_reason),
          reasonDetail: text(j.state_description),
          exitStatus: readExitCode(j.exit_code),
          startTime: wrappedInteger(j.start_time) ?? 0,
          endTime: wrappedInteger(j.end_time) ?? 0,
          nodes: text(j.nodes),
          allocation: readAllocation(
            differences.allocatedNodeNames(asObject(j.job_resources)),
            j.gres_detail,
          ),
          restarts: integer(j.restart_cnt) ?? 0,
          nodeCount: wrappedInteger(j.node_count) ?? 0,
          tresPerNode: text(j.tres_per_node),
          standardOutput: text(j.standard_output),
          partition: text(j.partition),
          timeLimitMinutes: wrappedInteger(j.time_limit),
        };
      });
    },
    readNodes(body) {
      return asArray(asObject(body).nodes).map((raw) => {
        const n = asObject(raw);
        const [state = '', ...flags] = readFlags(n.state);
        return {
          name: text(n.name),
          state: state.toLowerCase(),
          flags,
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
    readErrors: readSlurmErrors,
  };
}

/** `["IDLE", "DRAIN"]` → the same in upper case; a plain string reads as one flag. */
function readFlags(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : asArray(value).map(text);
  return list.filter((f) => f !== '').map((f) => f.toUpperCase());
}

/**
 * `{ status: ["SIGNALED"], return_code, signal: { id, name } }` → the raw wait status the state
 * mapping reads (`exit 3` → 768, signal 9 → 9); null before the job has one.
 */
function readExitCode(value: unknown): number | null {
  const exit = asObject(value);
  const status = readFlags(exit.status);
  const signal = wrappedInteger(asObject(exit.signal).id);
  if (status.includes('SIGNALED') && signal !== null && signal > 0) return signal & 0x7f;
  if (status.includes('PENDING')) return null;
  const code = wrappedInteger(exit.return_code);
  return code === null ? null : (code & 0xff) << 8;
}
