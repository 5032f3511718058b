import type { ClusterState } from './cluster-state.js';
import { isSharingRequest, normaliseGpuModel, type PodRequest } from './resources.js';

/**
 * A pod request resolved against one cluster once, so that the many feasibility checks of a
 * decision compare integers, not strings.
 */
export interface PlacementRequest {
  readonly pod: PodRequest;
  readonly cpuMilli: number;
  readonly memoryMib: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  readonly gpuTotal: number;
  readonly isSharing: boolean;
  /** `allowedModels[m]` is 1 when the cluster's model `m` is acceptable; undefined: any model. */
  readonly allowedModels: Uint8Array | undefined;
  readonly minGpuMemoryMib: number;
}

/** Resolves a pod's model names against the cluster's models (unknown names simply match nothing). */
export function compilePlacementRequest(state: ClusterState, pod: PodRequest): PlacementRequest {
  const isGpuPod = pod.gpuCount > 0;
  let allowedModels: Uint8Array | undefined;
  if (isGpuPod && pod.gpuModels.length > 0) {
    const wanted = new Set(pod.gpuModels.map(normaliseGpuModel));
    allowedModels = Uint8Array.from(state.models, (model) => (wanted.has(model) ? 1 : 0));
  }
  return {
    pod,
    cpuMilli: pod.cpuMilli,
    memoryMib: pod.memoryMib,
    gpuCount: pod.gpuCount,
    gpuMilli: isGpuPod ? pod.gpuMilli : 0,
    gpuTotal: isGpuPod ? pod.gpuCount * pod.gpuMilli : 0,
    isSharing: isGpuPod && isSharingRequest(pod),
    allowedModels,
    minGpuMemoryMib: isGpuPod ? pod.minGpuMemoryMib : 0,
  };
}
