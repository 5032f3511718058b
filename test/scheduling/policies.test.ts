import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/domain/scheduling/allocation.js';
import { createClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { createPackingPolicy, POLICY_NAMES } from '../../src/domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../../src/domain/scheduling/placement-request.js';
import type { NodeSpec, PodRequest } from '../../src/domain/scheduling/resources.js';
import { buildWorkloadProfile } from '../../src/domain/scheduling/workload-profile.js';

const node = (name: string, gpuModel: string, gpuCount = 2): NodeSpec => ({
  name,
  cpuMilli: 16000,
  memoryMib: 65536,
  gpuCount,
  gpuModel,
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

describe('packing policies', () => {
  for (const name of POLICY_NAMES) {
    it(`${name} only places a pod on a GPU model it accepts`, () => {
      const state = createClusterState([node('a', 'T4'), node('b', 'A100')]);
      const wanted = pod({ gpuModels: ['a100'] });
      const policy = createPackingPolicy(name, state, buildWorkloadProfile([wanted]), 1);
      expect(policy.choose(state, compilePlacementRequest(state, wanted))?.node).toBe(1);
    });

    it(`${name} reports that nothing fits rather than over-allocating`, () => {
      const state = createClusterState([node('a', 'T4', 1)]);
      const big = pod({ gpuCount: 2 });
      const policy = createPackingPolicy(name, state, buildWorkloadProfile([big]), 1);
      expect(policy.choose(state, compilePlacementRequest(state, big))).toBeUndefined();
    });
  }

  it('fgd puts a share next to another share rather than on an idle GPU', () => {
    const state = createClusterState([node('a', 'T4'), node('b', 'T4')]);
    const share = pod({ gpuMilli: 400 });
    allocate(state, compilePlacementRequest(state, share), { node: 1, gpus: [1] });
    const policy = createPackingPolicy('fgd', state, buildWorkloadProfile([share, pod({})]), 1);
    expect(policy.choose(state, compilePlacementRequest(state, share))).toEqual({ node: 1, gpus: [1] });
  });

  it('best keeps an empty node whole when a used one serves as well', () => {
    const state = createClusterState([node('a', 'T4', 8), node('b', 'T4', 8)]);
    const one = pod({});
    allocate(state, compilePlacementRequest(state, one), { node: 0, gpus: [0] });
    for (const seed of [1, 2, 3, 4]) {
      const policy = createPackingPolicy(
        'best',
        state,
        buildWorkloadProfile([one, pod({ gpuCount: 8 })]),
        seed,
      );
      expect(policy.choose(state, compilePlacementRequest(state, one))?.node).toBe(0);
    }
  });

  it('best-fit picks the node left with the least free resources', () => {
    const state = createClusterState([node('a', 'T4', 4), node('b', 'T4', 4)]);
    allocate(state, compilePlacementRequest(state, pod({ gpuCount: 2 })), { node: 1, gpus: [0, 1] });
    const policy = createPackingPolicy('best-fit', state, buildWorkloadProfile([pod({})]), 9);
    expect(policy.choose(state, compilePlacementRequest(state, pod({})))?.node).toBe(1);
  });
});
