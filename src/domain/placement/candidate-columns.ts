import type { PreparedCandidate } from './prepare-catalog.js';

/**
 * The numbers of every candidate (way to run) that the hard filters and the ranking read, as
 * columns indexed by candidate index: a decision reads typed arrays, not objects. Unknown
 * per-node CPUs or memory are NaN (a comparison with NaN is false: never short); no billing
 * minimum is 0.
 */
export interface CandidateColumns {
  readonly siteIndex: Int32Array;
  /** Id of the lower-case GPU model (PreparedCatalog.modelIds). */
  readonly modelId: Int32Array;
  readonly isSpot: Uint8Array;
  readonly gpuMemoryGiB: Float64Array;
  readonly gpusPerNode: Float64Array;
  readonly nodes: Float64Array;
  readonly cpusPerNode: Float64Array;
  readonly memoryGiBPerNode: Float64Array;
  readonly minimumSeconds: Float64Array;
  /**
   * Rank in the ranking's last tie-break (site name, GPU model, offering kind, memory), dense:
   * equal when all four are equal, so one integer comparison replaces four.
   */
  readonly tieRank: Int32Array;
}

export function buildCandidateColumns(
  candidates: readonly PreparedCandidate[],
  siteIndexOf: readonly number[],
  siteNames: readonly string[],
  modelIds: ReadonlyMap<string, number>,
): CandidateColumns {
  const n = candidates.length;
  const columns = {
    siteIndex: Int32Array.from(siteIndexOf),
    modelId: new Int32Array(n),
    isSpot: new Uint8Array(n),
    gpuMemoryGiB: new Float64Array(n),
    gpusPerNode: new Float64Array(n),
    nodes: new Float64Array(n),
    cpusPerNode: new Float64Array(n),
    memoryGiBPerNode: new Float64Array(n),
    minimumSeconds: new Float64Array(n),
    tieRank: new Int32Array(n),
  };
  candidates.forEach(({ row, offering, modelKey, isSpot }, i) => {
    columns.modelId[i] = modelIds.get(modelKey) ?? -1;
    columns.isSpot[i] = isSpot ? 1 : 0;
    columns.gpuMemoryGiB[i] = row.gpuMemoryGiB;
    columns.gpusPerNode[i] = row.gpusPerNode;
    columns.nodes[i] = row.nodes;
    columns.cpusPerNode[i] = row.cpusPerNode ?? Number.NaN;
    columns.memoryGiBPerNode[i] = row.memoryGiBPerNode ?? Number.NaN;
    columns.minimumSeconds[i] = offering.minimumSeconds ?? 0;
  });
  const compareTies = (a: number, b: number): number => {
    const x = candidates[a] as PreparedCandidate;
    const y = candidates[b] as PreparedCandidate;
    return (
      compareText(siteNames[siteIndexOf[a] as number] ?? '', siteNames[siteIndexOf[b] as number] ?? '') ||
      compareText(x.row.gpuModel, y.row.gpuModel) ||
      compareText(x.offering.kind, y.offering.kind) ||
      x.row.gpuMemoryGiB - y.row.gpuMemoryGiB
    );
  };
  const order = Array.from({ length: n }, (_, i) => i).sort(compareTies);
  let rank = 0;
  order.forEach((candidate, k) => {
    if (k > 0 && compareTies(order[k - 1] as number, candidate) !== 0) rank += 1;
    columns.tieRank[candidate] = rank;
  });
  return columns;
}

/** Code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
