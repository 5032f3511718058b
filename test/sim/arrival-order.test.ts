import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../src/domain/random.js';
import { buildArrivalOrder } from '../../src/sim/arrival-order.js';
import type { TracePod } from '../../src/sim/trace-pods.js';

function pod(name: string, gpuMilli: number): TracePod {
  return { name, cpuMilli: 1000, memoryMib: 1024, gpuCount: 1, gpuMilli, gpuModels: [], minGpuMemoryMib: 0 };
}
const total = (pods: readonly TracePod[]) => pods.reduce((sum, p) => sum + p.gpuCount * p.gpuMilli, 0);

describe('arrival order', () => {
  const trace = Array.from({ length: 10 }, (_, i) => pod(`p-${i}`, 500));

  it('keeps every trace pod and appends draws until the request reaches the inflated target', () => {
    const order = buildArrivalOrder(trace, createSeededRandom(1), 1.3, 10_000);
    expect(new Set(order.slice(0, 10).map((p) => p.name)).size).toBe(10);
    expect(total(order)).toBe(13_000);
  });

  it('drops pods at random when the trace asks for more than the target', () => {
    const order = buildArrivalOrder(trace, createSeededRandom(1), 0.5, 6_000);
    expect(total(order)).toBe(3_000);
  });

  it('gives the same order for the same seed', () => {
    const names = (seed: number) =>
      buildArrivalOrder(trace, createSeededRandom(seed), 1.3, 10_000).map((p) => p.name);
    expect(names(7)).toEqual(names(7));
    expect(names(7)).not.toEqual(names(8));
  });
});
