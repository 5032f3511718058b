import { execFile } from 'node:child_process';
import type { GpuDevice } from '../../app/ports/executor.js';
import { KNOWN_GPU_MODELS } from '../../domain/catalog/gpu-models.js';

/** GPUs declared in configuration when `nvidia-smi` finds none (development machines). */
export interface VirtualGpus {
  readonly model: string;
  readonly memoryGiB: number;
  readonly count: number;
}

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'];

/**
 * The short model name the catalog uses: `NVIDIA H100 80GB HBM3` → `H100`,
 * `NVIDIA A100-SXM4-40GB` → `A100`, `NVIDIA GeForce RTX 4090` → `RTX4090`,
 * `NVIDIA RTX 6000 Ada Generation` → `RTX6000Ada`; anything else: the name without `NVIDIA`.
 */
export function shortenGpuModel(name: string): string {
  const words = name
    .replace(/^NVIDIA\s+/i, '')
    .replace(/^(GeForce|Quadro|Tesla)\s+/i, '')
    .trim();
  const rtx = /^RTX\s+(A?\d{4})(?:\s+(Ada|Ti|SUPER))?/i.exec(words);
  if (rtx) return `RTX${rtx[1]}${rtx[2] ? rtx[2][0]!.toUpperCase() + rtx[2].slice(1).toLowerCase() : ''}`;
  const tokens = words.toUpperCase().split(/[\s-]+/);
  const known = KNOWN_GPU_MODELS.find((model) => tokens.includes(model));
  return known ?? words;
}

/** Parses `0, NVIDIA H100 80GB HBM3, 81559` lines (memory in MiB) into devices of `node`. */
export function parseNvidiaSmiGpus(output: string, node: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 3) continue;
    const index = Number(fields[0]);
    const memoryMiB = Number(fields[fields.length - 1]);
    const name = fields.slice(1, -1).join(',');
    if (!Number.isInteger(index) || !Number.isFinite(memoryMiB) || name === '') continue;
    devices.push({
      node,
      index,
      model: shortenGpuModel(name),
      memoryGiB: Math.round(memoryMiB / 1024),
      virtual: false,
    });
  }
  return devices;
}

/** Virtual GPUs numbered from 0 across the declared rows, all marked `virtual`. */
export function listVirtualGpus(rows: readonly VirtualGpus[], node: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.count; i += 1) {
      devices.push({
        node,
        index: devices.length,
        model: row.model,
        memoryGiB: row.memoryGiB,
        virtual: true,
      });
    }
  }
  return devices;
}

/** The GPUs `nvidia-smi` reports; undefined when it is missing, fails, or lists none. */
export function queryNvidiaSmi(
  program: string,
  node: string,
  timeoutMs = 5_000,
): Promise<GpuDevice[] | undefined> {
  return new Promise((resolve) => {
    execFile(program, NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (error, stdout) => {
      if (error) return resolve(undefined);
      const devices = parseNvidiaSmiGpus(String(stdout), node);
      resolve(devices.length > 0 ? devices : undefined);
    });
  });
}
