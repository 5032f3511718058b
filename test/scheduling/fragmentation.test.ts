import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/domain/scheduling/allocation.js';
import { createClusterState, type ClusterState } from '../../src/domain/scheduling/cluster-state.js';
import {
  buildFragmentationTables,
  measureNodeFragmentation,
} from '../../src/domain/scheduling/fragmentation.js';
import { createPackingPolicy } from '../../src/domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../../src/domain/scheduling/placement-request.js';
import { buildWorkloadProfile, type PodClass } from '../../src/domain/scheduling/workload-profile.js';
import { arbitraryNodes, arbitraryPod } from './arbitraries.js';

/** F_n(m) summed class by class, straight from the definition. */
function measureByDefinition(state: ClusterState, n: number, classes: readonly PodClass[]): number {
  const free = Array.from(
    state.gpuFree.subarray(state.gpuStart[n]!, state.gpuStart[n]! + state.gpuCount[n]!),
  );
  const idle = free.reduce((a, b) => a + b, 0);
  const model = state.models[state.nodeModel[n]!] ?? '';
  let total = 0;
  for (const c of classes) {
    const refused = c.gpuModels.length > 0 && !c.gpuModels.includes(model);
    const fitting = free.filter((f) => f >= c.gpuMilli).length;
    if (c.gpuCount === 0 || refused || c.cpuMilli > state.cpuFree[n]! || fitting < c.gpuCount)
      total += c.weight * idle;
    else total += c.weight * free.filter((f) => f < c.gpuMilli).reduce((a, b) => a + b, 0);
  }
  return total;
}

describe('fragmentation measure', () => {
  it('agrees with the class-by-class definition on any cluster and workload', () => {
    fc.assert(
      fc.property(
        arbitraryNodes,
        fc.array(arbitraryPod, { minLength: 1, maxLength: 30 }),
        fc.integer(),
        (nodes, pods, seed) => {
          const state = createClusterState(nodes);
          const profile = buildWorkloadProfile(pods);
          const tables = buildFragmentationTables(profile, state.models);
          const policy = createPackingPolicy('random', state, profile, seed);
          for (const pod of pods) {
            const request = compilePlacementRequest(state, pod);
            const placement = policy.choose(state, request);
            if (placement) allocate(state, request, placement);
            state.nodes.forEach((_, n) =>
              expect(measureNodeFragmentation(tables, state, n)).toBeCloseTo(
                measureByDefinition(state, n, profile.classes),
                6,
              ),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts a GPU whose free share is too small for the typical pod', () => {
    const state = createClusterState([
      { name: 'n', cpuMilli: 8000, memoryMib: 8192, gpuCount: 2, gpuModel: 'T4', gpuMemoryMib: 0 },
    ]);
    const half = {
      cpuMilli: 1000,
      memoryMib: 0,
      gpuCount: 1,
      gpuMilli: 500,
      gpuModels: [],
      minGpuMemoryMib: 0,
    };
    const tables = buildFragmentationTables(buildWorkloadProfile([half]), state.models);
    allocate(state, compilePlacementRequest(state, { ...half, gpuMilli: 700 }), { node: 0, gpus: [0] });
    expect(measureNodeFragmentation(tables, state, 0)).toBe(300);
  });
});
