import { describe, expect, it } from 'vitest';
import { createClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { readSiteJobShape } from '../../src/domain/scheduling/spec-site-job.js';
import { readValidSpec } from '../support/read-text.js';

const state = createClusterState([
  {
    name: 'a',
    cpuMilli: 64_000,
    memoryMib: 512 * 1024,
    gpuCount: 4,
    gpuModel: 'A100',
    gpuMemoryMib: 40 * 1024,
  },
  {
    name: 'h',
    cpuMilli: 96_000,
    memoryMib: 1024 * 1024,
    gpuCount: 8,
    gpuModel: 'H100',
    gpuMemoryMib: 80 * 1024,
  },
]);

const spec = (resources: string, extra = '') =>
  readValidSpec(`apiVersion: usine/v1
kind: Job
metadata: { name: j }
spec:
  workload: train
  command: [train]
  resources: ${resources}
  duration: 2h
${extra}`);

describe('a job spec as the site scheduler sees it', () => {
  it('reads a gang with CPU and memory, its priority, preemptibility and estimate', () => {
    expect(
      readSiteJobShape(
        spec('{ gpus: 8, nodes: 2, cpus: 32, memoryGiB: 256 }', '  priority: high\n  preemptible: true'),
        state,
      ),
    ).toEqual({
      nodes: 2,
      gpusPerNode: 8,
      gpuMilli: 1000,
      cpuMilliPerNode: 32_000,
      memoryMibPerNode: 256 * 1024,
      models: [],
      priority: 2,
      isPreemptible: true,
      estimateSeconds: 7200,
    });
  });

  it('reads a share of one GPU, and the models its names and GPU memory accept', () => {
    expect(readSiteJobShape(spec('{ gpus: 0.25, gpuMemoryGiB: 80 }'), state)).toMatchObject({
      gpusPerNode: 1,
      gpuMilli: 250,
      models: [state.models.indexOf('H100')],
    });
    expect(readSiteJobShape(spec('{ gpus: 1, gpuModels: [a100] }'), state)?.models).toEqual([
      state.models.indexOf('A100'),
    ]);
  });

  it('is undefined when no model of the site is acceptable', () => {
    expect(readSiteJobShape(spec('{ gpus: 1, gpuModels: [B200] }'), state)).toBeUndefined();
  });
});
