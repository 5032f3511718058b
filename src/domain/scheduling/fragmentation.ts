import type { ClusterState } from './cluster-state.js';
import { MILLI_PER_GPU } from './resources.js';
import type { WorkloadProfile } from './workload-profile.js';

/**
 * FGD's expected fragmentation of a node, F_n = Σ_m p_m · F_n(m), where F_n(m) is the idle
 * milli-GPU that a pod of class m cannot use on node n: all of it when the pod does not fit
 * (too little CPU, a model it refuses, not enough GPUs, or no GPU asked for), otherwise the free
 * share of every GPU too small for it.
 *
 * Summing class by class costs |classes| × |GPUs| per node. These tables regroup the classes so
 * that a node costs one binary search plus one pass over its GPUs: for a node with `c` CPU left,
 * the classes that are not blocked by CPU are a prefix of the classes sorted by CPU, and a GPU with
 * free share f is a fragment for exactly the sharing classes whose share exceeds f.
 */
export interface FragmentationTables {
  /** Distinct CPU requests of the GPU classes, ascending. Row r covers classes with CPU ≤ cpuSteps[r-1]. */
  readonly cpuSteps: Float64Array;
  readonly wholeWidth: number;
  readonly byModel: readonly ModelTables[];
}

interface ModelTables {
  /** Weight of the GPU classes this model serves and the CPU does not block, by row. */
  readonly usable: Float64Array;
  /** [row × 1001 + f]: weight of usable sharing classes whose share exceeds f. */
  readonly sharingAbove: Float64Array;
  /** [row × wholeWidth + k]: weight of usable whole-GPU classes that need more than k GPUs. */
  readonly wholeAbove: Float64Array;
  /** Weight of usable whole-GPU classes, by row. */
  readonly whole: Float64Array;
}

const SHARE_WIDTH = MILLI_PER_GPU + 1;

/** Precomputes the tables for a cluster's models; a pure function of the profile. */
export function buildFragmentationTables(
  profile: WorkloadProfile,
  models: readonly string[],
): FragmentationTables {
  const gpuClasses = profile.classes.filter((c) => c.gpuCount > 0);
  const cpuSteps = Float64Array.from(new Set(gpuClasses.map((c) => c.cpuMilli))).sort();
  const rows = cpuSteps.length + 1;
  const wholeWidth = Math.max(0, ...gpuClasses.map((c) => c.gpuCount)) + 1;
  const byModel = models.map((model) => {
    const usable = new Float64Array(rows);
    const sharingAbove = new Float64Array(rows * SHARE_WIDTH);
    const wholeAbove = new Float64Array(rows * wholeWidth);
    const whole = new Float64Array(rows);
    // Each class first counts at its CPU row; accumulate down the rows, then over shares and GPU counts.
    for (const c of gpuClasses) {
      if (c.gpuModels.length > 0 && !c.gpuModels.includes(model)) continue;
      const row = lowerBound(cpuSteps, c.cpuMilli) + 1;
      usable[row] = usable[row]! + c.weight;
      if (c.gpuMilli < MILLI_PER_GPU) addAt(sharingAbove, row * SHARE_WIDTH + c.gpuMilli, c.weight);
      else {
        whole[row] = whole[row]! + c.weight;
        addAt(wholeAbove, row * wholeWidth + c.gpuCount, c.weight);
      }
    }
    accumulateRows(usable, rows, 1);
    accumulateRows(whole, rows, 1);
    accumulateRows(sharingAbove, rows, SHARE_WIDTH);
    accumulateRows(wholeAbove, rows, wholeWidth);
    for (let r = 0; r < rows; r++) {
      // A class of share s (or count k) sits at column s; "exceeds f" sums the columns after f.
      accumulateAbove(sharingAbove, r * SHARE_WIDTH, SHARE_WIDTH);
      accumulateAbove(wholeAbove, r * wholeWidth, wholeWidth);
    }
    return { usable, sharingAbove, wholeAbove, whole };
  });
  return { cpuSteps, wholeWidth, byModel };
}

/**
 * Expected fragmentation (milli-GPU) of a node of model `model` with `cpuLeft` CPU and the GPU free
 * shares `free[0..count)`.
 */
export function computeFragmentation(
  tables: FragmentationTables,
  model: number,
  cpuLeft: number,
  free: Int32Array,
  count: number,
): number {
  let idle = 0;
  let full = 0;
  for (let g = 0; g < count; g++) {
    const f = free[g]!;
    idle += f;
    if (f === MILLI_PER_GPU) full++;
  }
  if (idle === 0 || model < 0) return 0;
  const t = tables.byModel[model]!;
  const row = upperBound(tables.cpuSteps, cpuLeft);
  let sharing = 0;
  const base = row * SHARE_WIDTH;
  for (let g = 0; g < count; g++) {
    const f = free[g]!;
    if (f > 0) sharing += f * t.sharingAbove[base + f]!;
  }
  const usable = t.usable[row]!;
  const wholeAbove = t.wholeAbove[row * tables.wholeWidth + Math.min(full, tables.wholeWidth - 1)]!;
  const wholeFitting = t.whole[row]! - wholeAbove;
  return idle * (1 - usable) + sharing + idle * wholeAbove + wholeFitting * (idle - MILLI_PER_GPU * full);
}

/** Expected fragmentation of node `n` as it stands. */
export function measureNodeFragmentation(
  tables: FragmentationTables,
  state: ClusterState,
  n: number,
): number {
  const start = state.gpuStart[n]!;
  return computeFragmentation(
    tables,
    state.nodeModel[n]!,
    state.cpuFree[n]!,
    state.gpuFree.subarray(start, start + state.gpuCount[n]!),
    state.gpuCount[n]!,
  );
}

function addAt(table: Float64Array, index: number, value: number): void {
  table[index] = table[index]! + value;
}

/** Turns per-row entries into running sums down the rows. */
function accumulateRows(table: Float64Array, rows: number, width: number): void {
  for (let r = 1; r < rows; r++) {
    for (let i = 0; i < width; i++) addAt(table, r * width + i, table[(r - 1) * width + i]!);
  }
}

/** Replaces entry i of a row by the sum of the entries after i. */
function accumulateAbove(table: Float64Array, offset: number, width: number): void {
  let above = 0;
  for (let i = width - 1; i >= 0; i--) {
    const own = table[offset + i]!;
    table[offset + i] = above;
    above += own;
  }
}

/** Index of the first element ≥ value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements ≤ value. */
function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
