/** One GPU in a thousand: fractional GPUs are counted in milli-GPU, integers only. */
export const MILLI_PER_GPU = 1000;

/** What a node offers. GPUs on one node are all of one model. */
export interface NodeSpec {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryMib: number;
  readonly gpuCount: number;
  /** Short model name (`H100`, `T4`, `G2`…), compared without regard to case; empty on a CPU-only node. */
  readonly gpuModel: string;
  /** Memory of one GPU; 0 when unknown (then only requests without a minimum fit). */
  readonly gpuMemoryMib: number;
}

/**
 * What one pod asks of one node: CPU, memory, and either `gpuCount` whole GPUs
 * (`gpuMilli` = 1000) or a share of one GPU (`gpuCount` = 1, `gpuMilli` < 1000).
 */
export interface PodRequest {
  readonly cpuMilli: number;
  readonly memoryMib: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  /** Acceptable GPU models; any model when empty. Ignored for CPU-only pods. */
  readonly gpuModels: readonly string[];
  /** Minimum memory per GPU; 0 for none. */
  readonly minGpuMemoryMib: number;
}

/** Total milli-GPU a request asks for. */
export function measureGpuRequest(pod: PodRequest): number {
  return pod.gpuCount * pod.gpuMilli;
}

/** True when the pod asks for a share of one GPU rather than whole GPUs. */
export function isSharingRequest(pod: Pick<PodRequest, 'gpuCount' | 'gpuMilli'>): boolean {
  return pod.gpuCount === 1 && pod.gpuMilli < MILLI_PER_GPU;
}

/** The canonical spelling of a GPU model, for comparisons. */
export function normaliseGpuModel(model: string): string {
  return model.trim().toUpperCase();
}
