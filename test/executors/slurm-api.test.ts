import { describe, expect, it } from 'vitest';
import {
  chooseSlurmApi,
  readOfferedVersions,
  SPOKEN_SLURM_APIS,
  SlurmVersionError,
} from '../../src/executors/slurm/negotiate-slurm-api.js';
import { SLURM_API_V0038 } from '../../src/executors/slurm/slurm-api-v0038.js';
import { SLURM_API_V0040 } from '../../src/executors/slurm/slurm-api-v0040.js';
import { SLURM_API_V0042 } from '../../src/executors/slurm/slurm-api-v0042.js';
import { parseGresIndices, wrappedInteger } from '../../src/executors/slurm/read-slurm-json.js';

const submission = {
  script: '#!/bin/bash\ntrue\n',
  name: 'usine-job_x',
  comment: 'usine:job_x',
  partition: 'gpu',
  nodes: 2,
  gpusPerNode: { type: 'h100', count: 4 },
  timeLimitMinutes: 61,
  memoryPerNodeMiB: 65_536,
  cpusPerNode: 8,
  workingDirectory: '/shared/job_x',
  outputFile: '/shared/job_x/output.log',
  environment: { PATH: '/usr/bin', USINE_JOB_ID: 'job_x' },
};

describe('REST API version negotiation', () => {
  it('reads the versions a served OpenAPI document offers, highest first (22.05 and 24.11 paths)', () => {
    const document = {
      paths: {
        '/slurm/v0.0.40/ping/': {},
        '/slurm/v0.0.42/ping/': {},
        '/slurm/v0.0.42/jobs/': {},
        '/slurm/v0.0.41/ping/': {},
        '/slurmdb/v0.0.42/ping/': {},
        '/slurm/v0.0.38/ping': {},
      },
    };
    expect(readOfferedVersions(document)).toEqual(['v0.0.42', 'v0.0.41', 'v0.0.40', 'v0.0.38']);
    expect(readOfferedVersions('not a document')).toEqual([]);
  });

  it('takes the highest version both sides speak', () => {
    expect(chooseSlurmApi(['v0.0.44', 'v0.0.43', 'v0.0.42', 'v0.0.41'], 'x').version).toBe('v0.0.44');
    expect(chooseSlurmApi(['v0.0.47', 'v0.0.46', 'v0.0.42'], 'x').version).toBe('v0.0.42');
    expect(chooseSlurmApi(['v0.0.40'], 'x')).toBe(SLURM_API_V0040);
    expect(chooseSlurmApi(['v0.0.39', 'v0.0.38'], 'x')).toBe(SLURM_API_V0038);
  });

  it('refuses a slurmrestd it shares no version with, listing what each side speaks', () => {
    const refuse = () => chooseSlurmApi(['v0.0.47', 'v0.0.46'], 'http://hpc:6820');
    expect(refuse).toThrow(SlurmVersionError);
    expect(refuse).toThrow(
      'slurmrestd at http://hpc:6820 offers v0.0.47, v0.0.46; Usine speaks v0.0.45, v0.0.44, v0.0.43, v0.0.42, v0.0.41, v0.0.40, v0.0.38',
    );
    expect(() => chooseSlurmApi([], 'http://hpc:6820')).toThrow(/offers no slurm\/vX\.Y\.Z API/);
  });
});

describe("each version's JSON", () => {
  it('v0.0.38: the script beside the job, plain numbers, `gres`, the environment as an object', () => {
    expect(SLURM_API_V0038.buildSubmitBody(submission)).toMatchObject({
      script: submission.script,
      job: {
        nodes: 2,
        gres: 'gpu:h100:4',
        time_limit: 61,
        memory_per_node: 65_536,
        minimum_cpus_per_node: 8,
        environment: submission.environment,
      },
    });
  });

  it('v0.0.40: the script beside the job, wrapped numbers, `tres_per_node`, NAME=value strings', () => {
    expect(SLURM_API_V0040.buildSubmitBody(submission)).toEqual({
      script: submission.script,
      job: expect.objectContaining({
        nodes: '2',
        tres_per_node: 'gres/gpu:h100:4',
        time_limit: { set: true, infinite: false, number: 61 },
        memory_per_node: { set: true, infinite: false, number: 65_536 },
        minimum_cpus_per_node: 8,
        environment: ['PATH=/usr/bin', 'USINE_JOB_ID=job_x'],
        requeue: false,
      }),
    });
  });

  it('v0.0.41+: the script in the job', () => {
    const body = SLURM_API_V0042.buildSubmitBody(submission) as Record<string, unknown>;
    expect(body['script']).toBeUndefined();
    expect(body['job']).toMatchObject({ script: submission.script, tres_per_node: 'gres/gpu:h100:4' });
  });

  it('reads a v0.0.42 job: state flags, a signal as the wait status, the allocation with its GPUs', () => {
    const [job] = SLURM_API_V0042.readJobs({
      jobs: [
        {
          job_id: 7,
          job_state: ['CANCELLED', 'REQUEUED'],
          state_reason: 'NodeDown',
          state_description: 'node gpu-2 went down',
          exit_code: {
            status: ['SIGNALED'],
            return_code: { set: true, infinite: false, number: 0 },
            signal: { id: { set: true, infinite: false, number: 9 }, name: 'KILL' },
          },
          start_time: { set: true, infinite: false, number: 1_800_000_000 },
          end_time: { set: false, infinite: false, number: 0 },
          time_limit: { set: false, infinite: true, number: 0 },
          node_count: { set: true, infinite: false, number: 2 },
          nodes: 'gpu-[1-2]',
          job_resources: { nodes: { list: 'gpu-[1-2]', allocation: [{ name: 'gpu-1' }, { name: 'gpu-2' }] } },
          gres_detail: ['gpu:h100:2(IDX:0-1)', 'gpu:h100:2(IDX:2,5)'],
        },
      ],
    });
    expect(job).toMatchObject({
      jobId: 7,
      state: 'CANCELLED+REQUEUED',
      reasonDetail: 'node gpu-2 went down',
      exitStatus: 9,
      startTime: 1_800_000_000,
      endTime: 0,
      timeLimitMinutes: null,
      nodeCount: 2,
      allocation: [
        { node: 'gpu-1', gpuIndices: [0, 1] },
        { node: 'gpu-2', gpuIndices: [2, 5] },
      ],
    });
  });

  it('reads a v0.0.40 node: its state list as a state and flags', () => {
    expect(
      SLURM_API_V0040.readNodes({ nodes: [{ name: 'gpu-1', state: ['IDLE', 'DRAIN'], gres: 'gpu:h100:8' }] }),
    ).toEqual([
      {
        name: 'gpu-1',
        state: 'idle',
        flags: ['DRAIN'],
        gres: 'gpu:h100:8',
        gresUsed: '',
        reason: '',
        partitions: [],
      },
    ]);
  });

  it('reads wrapped numbers and GPU index lists', () => {
    expect(wrappedInteger({ set: true, infinite: false, number: 5 })).toBe(5);
    expect(wrappedInteger({ set: true, infinite: true, number: 5 })).toBeNull();
    expect(wrappedInteger(12)).toBe(12);
    expect(parseGresIndices('gpu:h100:4(IDX:0,2-3,7)')).toEqual([0, 2, 3, 7]);
    expect(parseGresIndices('')).toEqual([]);
  });

  it('speaks each version once, highest first', () => {
    const versions = SPOKEN_SLURM_APIS.map((a) => a.version);
    expect(versions).toEqual(['v0.0.45', 'v0.0.44', 'v0.0.43', 'v0.0.42', 'v0.0.41', 'v0.0.40', 'v0.0.38']);
  });
});
