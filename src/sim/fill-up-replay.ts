import { createSeededRandom } from '../domain/random.js';
import { allocate } from '../domain/scheduling/allocation.js';
import { createClusterState } from '../domain/scheduling/cluster-state.js';
import { createPackingPolicy, type PolicyName } from '../domain/scheduling/packing-policies.js';
import { compilePlacementRequest } from '../domain/scheduling/placement-request.js';
import type { NodeSpec } from '../domain/scheduling/resources.js';
import { buildWorkloadProfile } from '../domain/scheduling/workload-profile.js';
import { createAllocationCurve } from './allocation-curve.js';
import { buildArrivalOrder } from './arrival-order.js';
import type { TracePod } from './trace-pods.js';

/** The arrived loads (% of GPU capacity) a replay reports. */
export const REPORTED_LOADS = [90, 95, 100, 130] as const;

export interface FillUpOptions {
  readonly nodes: readonly NodeSpec[];
  readonly pods: readonly TracePod[];
  readonly policy: PolicyName;
  readonly seed: number;
  /** Arrived GPU request to reach, as a multiple of GPU capacity (1.3 in the paper). */
  readonly inflate: number;
  /** Called now and then with pods attempted and pods to attempt. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FillUpResult {
  readonly policy: PolicyName;
  readonly seed: number;
  /** Allocation % (allocated milli-GPU ÷ capacity) at 0, 1, … % arrived load, up to the last reached. */
  readonly curve: readonly number[];
  /** Pods attempted (placed or failed): one placement decision each. */
  readonly attempts: number;
  readonly placed: number;
  readonly capacityGpus: number;
}

/**
 * One fill-up replay (the FGD paper's protocol): pods arrive in a seeded shuffled, inflated order,
 * are placed one at a time by the policy, never leave, and are not retried when they fail.
 */
export function runFillUpReplay(options: FillUpOptions): FillUpResult {
  const state = createClusterState(options.nodes);
  const profile = buildWorkloadProfile(options.pods);
  const policy = createPackingPolicy(options.policy, state, profile, options.seed);
  const order = buildArrivalOrder(
    options.pods,
    createSeededRandom(options.seed),
    options.inflate,
    state.capacityMilli,
  );
  const curve = createAllocationCurve(state.capacityMilli);
  let arrived = 0;
  let placed = 0;
  order.forEach((pod, i) => {
    const request = compilePlacementRequest(state, pod);
    const placement = policy.choose(state, request);
    if (placement !== undefined) {
      allocate(state, request, placement);
      placed++;
    }
    arrived += request.gpuTotal;
    curve.record(arrived, state.totals.allocatedMilli);
    if (options.onProgress !== undefined && (i + 1) % 500 === 0) options.onProgress(i + 1, order.length);
  });
  options.onProgress?.(order.length, order.length);
  const lastLoad = Math.round((arrived * 100) / Math.max(1, state.capacityMilli));
  const samples = Array.from({ length: lastLoad + 1 }, (_, k) => curve.sampleAt(k));
  return {
    policy: options.policy,
    seed: options.seed,
    curve: samples.map(roundCurvePoint),
    attempts: order.length,
    placed,
    capacityGpus: state.capacityMilli / 1000,
  };
}

function roundCurvePoint(value: number): number {
  return Number.isNaN(value) ? value : Math.round(value * 1e6) / 1e6;
}
