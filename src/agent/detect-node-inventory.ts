import { execFile } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';
import type { NodeGpu, NodeInventory } from '../app/ports/fleet-store.js';
import { listVirtualGpus, shortenGpuModel, type VirtualGpus } from '../executors/local/gpu-inventory.js';

const QUERY = ['--query-gpu=index,uuid,name,memory.total,power.limit', '--format=csv,noheader,nounits'];

/**
 * The host as the agent registers it: GPUs from `nvidia-smi` (index, UUID, model, memory, power
 * limit), else the declared virtual ones, marked virtual; CPUs and memory from the OS.
 */
export async function detectNodeInventory(options: {
  readonly nvidiaSmi: string | false;
  readonly virtualGpus: readonly VirtualGpus[];
}): Promise<NodeInventory> {
  const found = options.nvidiaSmi === false ? undefined : await queryGpus(options.nvidiaSmi);
  const gpus =
    found ??
    listVirtualGpus(options.virtualGpus, '').map((gpu) => ({
      index: gpu.index,
      uuid: null,
      model: gpu.model,
      memoryGiB: gpu.memoryGiB,
      powerLimitW: null,
      virtual: true,
    }));
  return { gpus, cpus: availableParallelism(), memoryMiB: Math.floor(totalmem() / (1024 * 1024)) };
}

/** `0, GPU-5c…, NVIDIA H200, 143771, 700.00` lines; `[N/A]` power reads as unknown. */
export function parseNvidiaSmiDetails(output: string): NodeGpu[] {
  const gpus: NodeGpu[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 5) continue;
    const [indexText, uuid, ...rest] = fields;
    const power = Number(rest.pop());
    const memoryMiB = Number(rest.pop());
    const name = rest.join(',');
    const index = Number(indexText);
    if (!Number.isInteger(index) || !Number.isFinite(memoryMiB) || name === '') continue;
    gpus.push({
      index,
      uuid: uuid || null,
      model: shortenGpuModel(name),
      memoryGiB: Math.round(memoryMiB / 1024),
      powerLimitW: Number.isFinite(power) ? power : null,
      virtual: false,
    });
  }
  return gpus;
}

function queryGpus(program: string): Promise<NodeGpu[] | undefined> {
  return new Promise((resolve) => {
    execFile(program, QUERY, { timeout: 10_000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      const gpus = parseNvidiaSmiDetails(String(stdout));
      resolve(gpus.length > 0 ? gpus : undefined);
    });
  });
}
