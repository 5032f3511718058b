import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/domain/scheduling/allocation.js';
import { createClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { createPackingPolicy } from '../../src/domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../../src/domain/scheduling/placement-request.js';
import type { NodeSpec, PodRequest } from '../../src/domain/scheduling/resources.js';
import { buildWorkloadProfile } from '../../src/domain/scheduling/workload-profile.js';

const node = (name: string, gpuModel: string, p: Partial<NodeSpec> = {}): NodeSpec => ({
  name,
  cpuMilli: 16000,
  memoryMib: 65536,
  gpuCount: 2,
  gpuModel,
  gpuMemoryMib: 0,
  ...p,
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
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('best', () => {
  it('leaves the last GPU of a model to the pods that accept only that model', () => {
    // A T4 node with one GPU left, a V100 node with both free. For FGD, taking the lone T4 GPU
    // removes a fragment for the 2-GPU pods, so it goes there; but the T4-only pods have nowhere
    // else to go, and the pod at hand has.
    const state = createClusterState([node('t4', 'T4'), node('v100', 'V100')]);
    const any = pod({});
    allocate(state, compilePlacementRequest(state, any), { node: 0, gpus: [0] });
    const workload = [
      ...Array.from({ length: 4 }, () => any),
      ...Array.from({ length: 3 }, () => pod({ gpuModels: ['T4'] })),
      ...Array.from({ length: 3 }, () => pod({ gpuCount: 2 })),
    ];
    const request = compilePlacementRequest(state, any);
    for (const seed of SEEDS) {
      const profile = buildWorkloadProfile(workload);
      expect(createPackingPolicy('fgd', state, profile, seed).choose(state, request)?.node).toBe(0);
      expect(createPackingPolicy('best', state, profile, seed).choose(state, request)?.node).toBe(1);
    }
  });

  it('still uses a restricted model for a pod that accepts only it', () => {
    const state = createClusterState([node('t4', 'T4'), node('v100', 'V100')]);
    const t4Only = pod({ gpuModels: ['T4'] });
    const profile = buildWorkloadProfile([pod({}), t4Only, t4Only]);
    for (const seed of SEEDS) {
      const policy = createPackingPolicy('best', state, profile, seed);
      expect(policy.choose(state, compilePlacementRequest(state, t4Only))?.node).toBe(0);
    }
  });

  it('keeps a node’s memory for the GPU pods that need it', () => {
    // Two empty nodes alike but for memory: on the small one, the CPU-only pod would leave too
    // little memory for any GPU pod, stranding both GPUs. FGD, blind to memory, lets the node
    // priority decide.
    const state = createClusterState([
      node('small', 'T4', { memoryMib: 16384 }),
      node('large', 'T4', { memoryMib: 65536 }),
    ]);
    const cpuOnly = pod({ gpuCount: 0, gpuMilli: 0, memoryMib: 12288 });
    const profile = buildWorkloadProfile([cpuOnly, pod({ memoryMib: 8192 }), pod({ memoryMib: 8192 })]);
    const request = compilePlacementRequest(state, cpuOnly);
    const fgdChoices = new Set<number | undefined>();
    for (const seed of SEEDS) {
      fgdChoices.add(createPackingPolicy('fgd', state, profile, seed).choose(state, request)?.node);
      expect(createPackingPolicy('best', state, profile, seed).choose(state, request)?.node).toBe(1);
    }
    expect(fgdChoices).toEqual(new Set([0, 1]));
  });

  it('gives the same placements for the same seed', () => {
    const nodes = [
      node('a', 'T4'),
      node('b', 'V100', { gpuCount: 4 }),
      node('c', 'T4', { memoryMib: 20000 }),
    ];
    const workload = [
      pod({}),
      pod({ gpuMilli: 400 }),
      pod({ gpuModels: ['T4'] }),
      pod({ gpuCount: 0, gpuMilli: 0 }),
    ];
    const run = (): (number | undefined)[] => {
      const state = createClusterState(nodes);
      const policy = createPackingPolicy('best', state, buildWorkloadProfile(workload), 7);
      return [...workload, ...workload].map((p) => {
        const request = compilePlacementRequest(state, p);
        const placement = policy.choose(state, request);
        if (placement) allocate(state, request, placement);
        return placement?.node;
      });
    };
    expect(run()).toEqual(run());
  });
});
