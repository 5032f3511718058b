import fc from 'fast-check';
import type { NodeSpec, PodRequest } from '../../src/domain/scheduling/resources.js';

const MODELS = ['A100', 'H100', 'T4'];

/** Small random clusters: 1–6 nodes of 0–8 GPUs. */
export const arbitraryNodes = fc
  .array(
    fc.record({
      cpuMilli: fc.integer({ min: 1, max: 16 }).map((n) => n * 4000),
      memoryMib: fc.integer({ min: 1, max: 8 }).map((n) => n * 16384),
      gpuCount: fc.constantFrom(0, 1, 2, 4, 8),
      gpuModel: fc.constantFrom(...MODELS),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((nodes): NodeSpec[] => nodes.map((node, n) => ({ ...node, name: `node-${n}`, gpuMemoryMib: 0 })));

/** Pods of every kind the trace has: CPU-only, GPU shares, whole GPUs, with or without a model. */
export const arbitraryPod: fc.Arbitrary<PodRequest> = fc
  .record({
    cpuMilli: fc.integer({ min: 0, max: 32 }).map((n) => n * 1000),
    memoryMib: fc.integer({ min: 0, max: 64 }).map((n) => n * 1024),
    kind: fc.constantFrom('cpu', 'share', 'whole'),
    share: fc.integer({ min: 1, max: 999 }),
    count: fc.constantFrom(1, 2, 4, 8),
    gpuModels: fc.subarray(MODELS, { maxLength: 2 }),
  })
  .map((p) => ({
    cpuMilli: p.cpuMilli,
    memoryMib: p.memoryMib,
    gpuCount: p.kind === 'cpu' ? 0 : p.kind === 'share' ? 1 : p.count,
    gpuMilli: p.kind === 'cpu' ? 0 : p.kind === 'share' ? p.share : 1000,
    gpuModels: p.kind === 'cpu' ? [] : p.gpuModels,
    minGpuMemoryMib: 0,
  }));
