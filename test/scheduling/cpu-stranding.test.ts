import { describe, expect, it } from 'vitest';
import { createClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { createCpuStranding } from '../../src/domain/scheduling/cpu-stranding.js';
import { createPackingPolicy } from '../../src/domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../../src/domain/scheduling/placement-request.js';
import type { NodeSpec, PodRequest } from '../../src/domain/scheduling/resources.js';
import { buildWorkloadProfile } from '../../src/domain/scheduling/workload-profile.js';

const node = (name: string, cpuMilli: number): NodeSpec => ({
  name,
  cpuMilli,
  memoryMib: 65536,
  gpuCount: 2,
  gpuModel: 'G2',
  gpuMemoryMib: 0,
});
const pod = (p: Partial<PodRequest>): PodRequest => ({
  cpuMilli: 1000,
  memoryMib: 1024,
  gpuCount: 1,
  gpuMilli: 1000,
  gpuModels: [],
  minGpuMemoryMib: 0,
  ...p,
});
// The GPU pods take one GPU with 10 CPU: 10 milli-CPU per milli-GPU. Half the pods are CPU-only.
const gpuPod = pod({ cpuMilli: 10000 });
const cpuPod = pod({ cpuMilli: 4000, gpuCount: 0, gpuMilli: 0 });
const profile = buildWorkloadProfile([gpuPod, cpuPod]);

describe('cpu stranding', () => {
  it('counts the idle GPU that the CPU left cannot feed at the workload’s CPU per GPU', () => {
    const measure = createCpuStranding(profile);
    // 2 GPUs and 16 CPU feed 1.6 GPU: 0.4 stranded; 12 CPU left after a CPU-only pod: 0.8.
    expect(measure.measureChange(2000, 16000, 0, 4000)).toBeCloseTo(400);
    // 64 CPU feed 6.4 GPU, more than the node has: nothing stranded either way.
    expect(measure.measureChange(2000, 64000, 0, 4000)).toBe(0);
    // A GPU pod with less CPU than the mean (6 CPU for 1 GPU, against 10) relieves a short node.
    expect(measure.measureChange(2000, 16000, 1000, 6000)).toBeCloseTo(-400);
    // One with more (14 CPU) strands more of it: 1 GPU idle, 2 CPU left feed 0.2.
    expect(measure.measureChange(2000, 16000, 1000, 14000)).toBeCloseTo(400);
    expect(createCpuStranding(buildWorkloadProfile([cpuPod])).measureChange(2000, 4000, 0, 4000)).toBe(0);
  });

  it('sends a CPU-only pod to the node whose CPU its GPUs do not need', () => {
    // Both nodes fit every class after the pod (FGD sees no difference, so its choice follows the
    // per-seed priority); but the 16-CPU node cannot feed its 2 GPUs at 10 CPU each, the 64-CPU can.
    const state = createClusterState([node('short', 16000), node('plenty', 64000)]);
    const request = compilePlacementRequest(state, cpuPod);
    const fgdChoices = new Set<number | undefined>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      fgdChoices.add(createPackingPolicy('fgd', state, profile, seed).choose(state, request)?.node);
      expect(createPackingPolicy('best', state, profile, seed).choose(state, request)?.node).toBe(1);
    }
    expect(fgdChoices).toContain(0);
  });
});
