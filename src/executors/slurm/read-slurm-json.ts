import type { SlurmAllocatedNode, SlurmError } from './slurm-api.js';

/** Tolerant readers of slurmrestd's JSON, shared by the version modules: a missing field reads empty. */
export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

/**
 * A number as v0.0.40+ writes it, `{ set, infinite, number }`: null when unset or infinite.
 * A bare number (how v0.0.38 writes it) reads as itself.
 */
export function wrappedInteger(value: unknown): number | null {
  if (typeof value === 'number') return integer(value);
  const wrapped = asObject(value);
  if (wrapped.set !== true || wrapped.infinite === true) return null;
  return integer(wrapped.number);
}

/** `{ set: true, infinite: false, number }`, how v0.0.40+ takes a number. */
export function wrapInteger(number: number): { set: true; infinite: false; number: number } {
  return { set: true, infinite: false, number };
}

/** `errors: [{ error_number, error, description }]` (22.05 also writes `{ error, errno: -1 }`). */
export function readSlurmErrors(body: unknown): SlurmError[] {
  return asArray(asObject(body).errors).map((raw) => {
    const e = asObject(raw);
    return {
      code: integer(e.error_number) ?? integer(e.errno) ?? 0,
      message: [text(e.error), text(e.description)].filter((t) => t !== '').join(': '),
    };
  });
}

/** `gpu:h100:2(IDX:0-1)` or `gpu:h100:3(IDX:0,2-3)` → the GPU indices; [] without any. */
export function parseGresIndices(detail: string): number[] {
  const indices: number[] = [];
  for (const match of detail.matchAll(/IDX:([\d,-]+)/g))
    for (const range of (match[1] ?? '').split(',').filter(Boolean)) {
      const [from, to] = range.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) continue;
      for (let i = from; i <= (to ?? from); i += 1) indices.push(i);
    }
  return indices;
}

/**
 * The allocation from the node names Slurm lists (in its order) and `gres_detail`, which has one
 * entry per allocated node in the same order.
 */
export function readAllocation(nodeNames: readonly string[], gresDetail: unknown): SlurmAllocatedNode[] {
  const details = asArray(gresDetail).map(text);
  return nodeNames.map((node, i) => ({ node, gpuIndices: parseGresIndices(details[i] ?? '') }));
}
