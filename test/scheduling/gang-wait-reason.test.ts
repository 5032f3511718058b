import { describe, expect, it } from 'vitest';
import type { GangRequest, GpuSlot } from '../../src/domain/scheduling/admit-gang.js';
import { classifyGangWait, describeGangWait } from '../../src/domain/scheduling/gang-wait-reason.js';

const slot = (node: string, index: number, freeMilli: number, model = 'H100'): GpuSlot => ({
  node,
  index,
  model,
  memoryGiB: 80,
  freeMilli,
});
const whole = (nodes: number, gpusPerNode: number, gpuModels: string[] = []): GangRequest => ({
  nodes,
  gpusPerNode,
  milliGpus: 0,
  gpuModels,
  minMemoryGiB: undefined,
});

describe('classifyGangWait', () => {
  it('says CAPACITY when fewer GPUs of an acceptable model are free than the job needs', () => {
    const slots = [slot('a', 0, 1000), slot('a', 1, 0), slot('b', 0, 1000, 'L40S')];
    expect(classifyGangWait(slots, whole(1, 2))).toBe('CAPACITY');
    expect(classifyGangWait(slots, whole(1, 2, ['h100']))).toBe('CAPACITY');
  });

  it('says FRAGMENTATION when enough GPUs are free but on no single node', () => {
    const slots = [slot('a', 0, 1000), slot('a', 1, 0), slot('b', 0, 1000), slot('b', 1, 0)];
    expect(classifyGangWait(slots, whole(1, 2))).toBe('FRAGMENTATION');
  });

  it('says GANG when enough GPUs are free but not on enough nodes at once', () => {
    const slots = [
      slot('a', 0, 1000),
      slot('a', 1, 1000),
      slot('b', 0, 1000),
      slot('b', 1, 0),
      slot('c', 0, 1000),
      slot('c', 1, 0),
    ];
    expect(classifyGangWait(slots, whole(2, 2))).toBe('GANG');
  });

  it('says FRAGMENTATION for a share that fits the sum of free shares but no GPU, else CAPACITY', () => {
    const share: GangRequest = { ...whole(1, 0), milliGpus: 600 };
    expect(classifyGangWait([slot('a', 0, 400), slot('a', 1, 400)], share)).toBe('FRAGMENTATION');
    expect(classifyGangWait([slot('a', 0, 400), slot('a', 1, 100)], share)).toBe('CAPACITY');
  });

  it('describes the wait with the code first, then the sentence and the detail', () => {
    expect(describeGangWait('CAPACITY', '2 GPUs busy')).toBe(
      'CAPACITY: waits for capacity: not enough free GPUs of an acceptable model (2 GPUs busy)',
    );
  });
});
