import { describe, expect, it } from 'vitest';
import { detectNodeInventory, parseNvidiaSmiDetails } from '../../src/agent/detect-node-inventory.js';

describe('the inventory an agent registers', () => {
  it('reads index, UUID, model, memory and power limit from nvidia-smi', () => {
    const output =
      '0, GPU-5c2d9a1e-0000-1111-2222-333344445555, NVIDIA H200, 143771, 700.00\n' +
      '1, GPU-6d3e0b2f-0000-1111-2222-333344445555, NVIDIA A100-SXM4-40GB, 40960, [N/A]\n' +
      'garbage line\n';
    expect(parseNvidiaSmiDetails(output)).toEqual([
      {
        index: 0,
        uuid: 'GPU-5c2d9a1e-0000-1111-2222-333344445555',
        model: 'H200',
        memoryGiB: 140,
        powerLimitW: 700,
        virtual: false,
      },
      {
        index: 1,
        uuid: 'GPU-6d3e0b2f-0000-1111-2222-333344445555',
        model: 'A100',
        memoryGiB: 40,
        powerLimitW: null,
        virtual: false,
      },
    ]);
  });

  it('declares virtual GPUs, marked virtual, when nvidia-smi finds none', async () => {
    const inventory = await detectNodeInventory({
      nvidiaSmi: '/nonexistent/nvidia-smi',
      virtualGpus: [{ model: 'L40S', memoryGiB: 48, count: 2 }],
    });
    expect(inventory.gpus).toEqual([
      { index: 0, uuid: null, model: 'L40S', memoryGiB: 48, powerLimitW: null, virtual: true },
      { index: 1, uuid: null, model: 'L40S', memoryGiB: 48, powerLimitW: null, virtual: true },
    ]);
    expect(inventory.cpus).toBeGreaterThan(0);
    expect(inventory.memoryMiB).toBeGreaterThan(0);
  });
});
