import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiGpus, shortenGpuModel } from '../../src/executors/local/gpu-inventory.js';
import { LocalExecutor } from '../../src/executors/local/local-executor.js';

describe('GPU inventory', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', 'H100'],
    ['NVIDIA H100 PCIe', 'H100'],
    ['NVIDIA H100 NVL', 'H100'],
    ['NVIDIA A100-SXM4-40GB', 'A100'],
    ['NVIDIA A100 80GB PCIe', 'A100'],
    ['NVIDIA L40S', 'L40S'],
    ['NVIDIA L40', 'L40'],
    ['NVIDIA L4', 'L4'],
    ['NVIDIA H200', 'H200'],
    ['NVIDIA GH200 480GB', 'GH200'],
    ['NVIDIA B200', 'B200'],
    ['NVIDIA A10G', 'A10G'],
    ['Tesla V100-SXM2-16GB', 'V100'],
    ['Tesla T4', 'T4'],
    ['NVIDIA GeForce RTX 4090', 'RTX4090'],
    ['NVIDIA GeForce RTX 3080 Ti', 'RTX3080Ti'],
    ['NVIDIA RTX A6000', 'RTXA6000'],
    ['NVIDIA RTX 6000 Ada Generation', 'RTX6000Ada'],
    ['NVIDIA Jetson Orin', 'Jetson Orin'],
  ])('names %s %s', (name, model) => {
    expect(shortenGpuModel(name)).toBe(model);
  });

  it('parses nvidia-smi CSV lines into GPUs with memory in GiB', () => {
    const output = '0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n\n';
    expect(parseNvidiaSmiGpus(output, 'gpu-01')).toEqual([
      { node: 'gpu-01', index: 0, model: 'H100', memoryGiB: 80, virtual: false },
      { node: 'gpu-01', index: 1, model: 'H100', memoryGiB: 80, virtual: false },
    ]);
  });

  it('finds no GPU in nvidia-smi’s complaints', () => {
    expect(parseNvidiaSmiGpus('No devices were found\n', 'n')).toEqual([]);
  });

  it('asks nvidia-smi when it works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'usine-smi-'));
    const program = join(dir, 'nvidia-smi');
    await writeFile(program, '#!/bin/sh\necho "0, NVIDIA L40S, 46068"\necho "1, NVIDIA L40S, 46068"\n');
    await chmod(program, 0o755);
    const executor = new LocalExecutor({ workDir: dir, nvidiaSmi: program, nodeName: 'lyon-1' });
    const gpus = await executor.inventory();
    await rm(dir, { recursive: true, force: true });
    expect(gpus.map((g) => `${g.node}/${g.index} ${g.model} ${g.memoryGiB} ${g.virtual}`)).toEqual([
      'lyon-1/0 L40S 45 false',
      'lyon-1/1 L40S 45 false',
    ]);
  });

  it('declares virtual GPUs from configuration when nvidia-smi is missing', async () => {
    const executor = new LocalExecutor({
      workDir: tmpdir(),
      nvidiaSmi: '/nonexistent/nvidia-smi',
      nodeName: 'laptop',
      virtualGpus: [{ model: 'L40S', memoryGiB: 48, count: 2 }],
    });
    expect(await executor.inventory()).toEqual([
      { node: 'laptop', index: 0, model: 'L40S', memoryGiB: 48, virtual: true },
      { node: 'laptop', index: 1, model: 'L40S', memoryGiB: 48, virtual: true },
    ]);
  });
});
