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

/** The pod distribution a fragmentation measure is taken against. */
export interface WorkloadProfile {
  readonly classes: readonly PodClass[];
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
  return {
    classes: keys.map((key) => {
      const entry = counts.get(key)!;
      return { ...entry.cls, weight: entry.count / total };
    }),
  };
}
