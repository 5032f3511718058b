import type { PolicyName } from '../domain/scheduling/packing-policies.js';
import { REPORTED_LOADS, type FillUpResult } from './fill-up-replay.js';

/** One policy's replays over several seeds, averaged. */
export interface ReplaySummary {
  readonly policy: PolicyName;
  readonly seeds: readonly number[];
  /** Mean allocation % at each reported arrived load ("90", "95", "100", "130"). */
  readonly allocation: Readonly<Record<string, number>>;
  /** Mean GPUs left unallocated at 100 % arrived load. */
  readonly unallocatedGpusAt100: number;
  /** Placement decisions made (pods attempted, placed or not), over all seeds. */
  readonly placements: number;
  /** Mean allocation % at 0, 1, … % arrived load, as far as every seed reached. */
  readonly curve: readonly number[];
}

/** Averages replays of one policy (the paper reports means over seeds). */
export function summariseReplays(results: readonly FillUpResult[]): ReplaySummary {
  const first = results[0];
  if (first === undefined) throw new Error('summariseReplays needs at least one replay');
  const length = Math.min(...results.map((r) => r.curve.length));
  const curve = Array.from({ length }, (_, k) => roundTo(meanOf(results.map((r) => r.curve[k]!)), 3));
  const allocation: Record<string, number> = {};
  for (const load of REPORTED_LOADS)
    allocation[String(load)] = roundTo(meanOf(results.map((r) => r.curve[load] ?? Number.NaN)), 3);
  const at100 = allocation['100']!;
  return {
    policy: first.policy,
    seeds: results.map((r) => r.seed),
    allocation,
    unallocatedGpusAt100: roundTo(((100 - at100) / 100) * first.capacityGpus, 1),
    placements: results.reduce((sum, r) => sum + r.attempts, 0),
    curve,
  };
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
