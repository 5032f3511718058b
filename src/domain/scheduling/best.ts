import type { ClusterState } from './cluster-state.js';
import { createCpuStranding } from './cpu-stranding.js';
import { canHost } from './feasibility.js';
import { buildFragmentationTables } from './fragmentation.js';
import { createFragmentationGradient, type GradientStep } from './fragmentation-gradient.js';
import { createMemoryStranding } from './memory-stranding.js';
import { createModelScarcity } from './model-scarcity.js';
import { listAllNodes, listCandidateGroups, type PackingPolicy } from './packing-policy.js';
import { MILLI_PER_GPU } from './resources.js';
import type { WorkloadProfile } from './workload-profile.js';

/**
 * Resolution at which two costs count as equal: a tenth of a GPU. Finer than that, the gradient's
 * differences are mostly noise of the typical-pod model, and treating them as ties lets the
 * packing criteria below decide.
 */
export const BEST_STEP_MILLI = 100;

/**
 * Usine's recommended packing. The cost of a placement, in milli-GPU, is the sum of:
 * 1. FGD's fragmentation gradient (GPUs the workload's typical pods could no longer use, by GPU
 *    share, GPU count, model and CPU);
 * 2. the same for memory, which FGD leaves out (`memory-stranding.ts`);
 * 3. the GPUs of a model that model-restricted pods are expected to need and would lose
 *    (`model-scarcity.ts`): a pod that accepts several models goes where it displaces none;
 * 4. the idle GPUs the node's CPU left could no longer feed at the workload's CPU per GPU
 *    (`cpu-stranding.ts`): CPU-heavy pods go where CPU is plentiful, CPU-light ones where it is short.
 * The cost is read at a resolution of 0.1 GPU; among ties, a node already in use before an empty
 * one (empty nodes stay whole for 8-GPU pods), then the fixed per-seed node priority, so that
 * consecutive pods consolidate on the same nodes instead of spreading over equivalent ones.
 */
export function createBestPolicy(
  state: ClusterState,
  profile: WorkloadProfile,
  rank: Int32Array,
): PackingPolicy {
  const gradient = createFragmentationGradient(state, buildFragmentationTables(profile, state.models));
  const memory = createMemoryStranding(profile);
  const cpu = createCpuStranding(profile);
  const scarcity = createModelScarcity(state, profile);
  const allNodes = listAllNodes(state);
  const step: GradientStep = { delta: 0, gpus: [] };
  const bestGpus: number[] = [];
  return {
    name: 'best',
    choose(current, request) {
      const isGpuPod = request.gpuCount > 0;
      if (isGpuPod) scarcity.refresh(current);
      let best = -1;
      let bestLevel = Infinity;
      let bestIsEmpty = true;
      for (const group of listCandidateGroups(current, allNodes, request)) {
        for (const n of group) {
          if (!canHost(current, n, request)) continue;
          gradient.evaluate(current, n, request, step);
          const idle = current.idleMilli[n]!;
          let cost =
            step.delta +
            memory.measureChange(idle, current.memoryFree[n]!, request.gpuTotal, request.memoryMib) +
            cpu.measureChange(idle, current.cpuFree[n]!, request.gpuTotal, request.cpuMilli);
          if (isGpuPod) cost += scarcity.measureDisplaced(current.nodeModel[n]!, request.gpuTotal);
          const level = Math.floor(cost / BEST_STEP_MILLI);
          const isEmpty = idle === current.gpuCount[n]! * MILLI_PER_GPU;
          const isBetter =
            level < bestLevel ||
            (level === bestLevel &&
              ((bestIsEmpty && !isEmpty) || (bestIsEmpty === isEmpty && rank[n]! < rank[best]!)));
          if (!isBetter) continue;
          best = n;
          bestLevel = level;
          bestIsEmpty = isEmpty;
          bestGpus.length = 0;
          bestGpus.push(...step.gpus);
        }
      }
      return best < 0 ? undefined : { node: best, gpus: [...bestGpus] };
    },
  };
}
