import type { SlurmApi } from './slurm-api.js';
import { asArray, asObject, integer, readAllocation, readSlurmErrors, text } from './read-slurm-json.js';
import { formatGres } from './slurm-nodes.js';

/**
 * slurmrestd's OpenAPI `v0.0.38` (Slurm 22.05, Debian 12; gone from 23.11): plain numbers, the
 * job state a string, the exit code the raw wait status, GPUs asked as `gres: gpu:h100:2`, the
 * script beside the job.
 */
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
        ...(s.gpusPerNode ? { gres: formatGres('gpu', s.gpusPerNode) } : {}),
        ...(s.timeLimitMinutes !== undefined ? { time_limit: s.timeLimitMinutes } : {}),
        ...(s.memoryPerNodeMiB !== undefined ? { memory_per_node: s.memoryPerNodeMiB } : {}),
        ...(s.cpusPerNode !== undefined ? { minimum_cpus_per_node: s.cpusPerNode } : {}),
        current_working_directory: s.workingDirectory,
        standard_output: s.outputFile,
        standard_error: s.outputFile,
        environment: s.environment,
        // slurmrestd 22.05 ignores it: a job whose node fails is requeued all the same
        requeue: false,
      },
    };
  },
  readJobs(body) {
    return asArray(asObject(body).jobs).map((raw) => {
      const j = asObject(raw);
      const resources = asObject(j.job_resources);
      return {
        jobId: integer(j.job_id) ?? 0,
        name: text(j.name),
        comment: text(j.comment),
        state: text(j.job_state).toUpperCase(),
        reason: text(j.state_reason),
        reasonDetail: text(j.state_description),
        exitStatus: integer(j.exit_code),
        startTime: integer(j.start_time) ?? 0,
        endTime: integer(j.end_time) ?? 0,
        nodes: text(j.nodes),
        allocation: readAllocation(
          asArray(resources.allocated_nodes).map((n) => text(asObject(n).nodename)),
          j.gres_detail,
        ),
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
  readErrors: readSlurmErrors,
};
