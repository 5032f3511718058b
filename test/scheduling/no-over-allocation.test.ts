import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, release, type Allocation } from '../../src/domain/scheduling/allocation.js';
import { createClusterState, type ClusterState } from '../../src/domain/scheduling/cluster-state.js';
import { createPackingPolicy, POLICY_NAMES } from '../../src/domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../../src/domain/scheduling/placement-request.js';
import { buildWorkloadProfile } from '../../src/domain/scheduling/workload-profile.js';
import { arbitraryNodes, arbitraryPod } from './arbitraries.js';

function expectConsistent(state: ClusterState, held: readonly Allocation[]): void {
  state.nodes.forEach((node, n) => {
    const start = state.gpuStart[n]!;
    let idle = 0;
    for (let g = 0; g < node.gpuCount; g++) {
      const free = state.gpuFree[start + g]!;
      expect(free).toBeGreaterThanOrEqual(0);
      expect(free).toBeLessThanOrEqual(1000);
      idle += free;
    }
    expect(state.idleMilli[n]).toBe(idle);
    expect(state.cpuFree[n]).toBeGreaterThanOrEqual(0);
    expect(state.memoryFree[n]).toBeGreaterThanOrEqual(0);
  });
  const allocated = held.reduce((sum, a) => sum + a.gpus.length * a.gpuMilli, 0);
  expect(state.totals.allocatedMilli).toBe(allocated);
}

describe('no GPU is ever over-allocated', () => {
  for (const policy of POLICY_NAMES) {
    it(`holds for ${policy} over any sequence of placements and releases`, () => {
      fc.assert(
        fc.property(
          arbitraryNodes,
          fc.array(fc.tuple(arbitraryPod, fc.boolean()), { maxLength: 40 }),
          fc.integer(),
          (nodes, steps, seed) => {
            const state = createClusterState(nodes);
            const profile = buildWorkloadProfile(steps.map(([pod]) => pod));
            const chooser = createPackingPolicy(policy, state, profile, seed);
            const held: Allocation[] = [];
            for (const [pod, releaseOne] of steps) {
              if (releaseOne && held.length > 0) release(state, held.shift()!);
              const request = compilePlacementRequest(state, pod);
              const placement = chooser.choose(state, request);
              if (placement !== undefined) held.push(allocate(state, request, placement));
              expectConsistent(state, held);
            }
            while (held.length > 0) release(state, held.pop()!);
            expect(state.totals.allocatedMilli).toBe(0);
            expect(Array.from(state.gpuFree).every((free) => free === 1000)).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('refuses a placement that would take more than a GPU has left', () => {
    const state = createClusterState([
      { name: 'n0', cpuMilli: 8000, memoryMib: 8192, gpuCount: 1, gpuModel: 'T4', gpuMemoryMib: 0 },
    ]);
    const pod = { cpuMilli: 0, memoryMib: 0, gpuCount: 1, gpuMilli: 600, gpuModels: [], minGpuMemoryMib: 0 };
    allocate(state, compilePlacementRequest(state, pod), { node: 0, gpus: [0] });
    expect(() => allocate(state, compilePlacementRequest(state, pod), { node: 0, gpus: [0] })).toThrow();
  });
});
