import { normaliseGpuModel, type PodRequest } from './resources.js';

/** One kind of pod the workload asks for, and how often (FGD's "typical pod"). */
export interface PodClass {
  readonly cpuMilli: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  /** Normalised acceptable models, sorted; empty: any. */
  readonly gpuModels: readonly string[];
  /** Share of the workload's pods in this class; the weights sum to 1. */
  readonly weight: number;
}

/** GPU pods asking for one amount of memory, and how often (share of all the workload's pods). */
export interface MemoryClass {
  readonly memoryMib: number;
  readonly weight: number;
}

/** The pod distribution a fragmentation measure is taken against. */
export interface WorkloadProfile {
  readonly classes: readonly PodClass[];
  /**
   * The GPU pods' memory requests, ascending. Kept apart from `classes` so that FGD's measure
   * stays the paper's (CPU and GPU only); `best` reads it to see GPUs stranded by memory.
   */
  readonly gpuPodMemory: readonly MemoryClass[];
}

/**
 * Groups pods by (CPU, GPU count, GPU share, acceptable models) and weighs each group by its share
 * of the pods. CPU-only pods are classes too: GPUs are of no use to them. Memory is left out of the
 * class: it rarely binds, and the measure stays a function of CPU and GPUs only.
 */
export function buildWorkloadProfile(pods: readonly PodRequest[]): WorkloadProfile {
  const counts = new Map<string, { cls: Omit<PodClass, 'weight'>; count: number }>();
  for (const pod of pods) {
    const isGpuPod = pod.gpuCount > 0;
    const gpuModels = isGpuPod ? [...new Set(pod.gpuModels.map(normaliseGpuModel))].sort() : [];
    const cls = {
      cpuMilli: pod.cpuMilli,
      gpuCount: pod.gpuCount,
      gpuMilli: isGpuPod ? pod.gpuMilli : 0,
      gpuModels,
    };
    const key = `${cls.cpuMilli}/${cls.gpuCount}/${cls.gpuMilli}/${gpuModels.join('|')}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { cls, count: 1 });
  }
  const total = pods.length;
  const keys = [...counts.keys()].sort();
  const memory = new Map<number, number>();
  for (const pod of pods)
    if (pod.gpuCount > 0) memory.set(pod.memoryMib, (memory.get(pod.memoryMib) ?? 0) + 1);
  return {
    classes: keys.map((key) => {
      const entry = counts.get(key)!;
      return { ...entry.cls, weight: entry.count / total };
    }),
    gpuPodMemory: [...memory.keys()]
      .sort((a, b) => a - b)
      .map((memoryMib) => ({ memoryMib, weight: memory.get(memoryMib)! / total })),
  };
}
