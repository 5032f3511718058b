import type { ClusterState } from './cluster-state.js';
import type { WorkloadProfile } from './workload-profile.js';

/**
 * How much of each GPU model's idle capacity the workload's model-restricted pods (`gpu_spec`) are
 * expected to need. A pod that accepts several models should not take the GPUs of a model that
 * pods restricted to it will run short of: FGD's measure cannot see this, because it only asks
 * whether a class can use a node's idle GPUs now, not whether the class has anywhere else to go.
 */
export interface ModelScarcity {
  /** True when some GPU class of the workload is restricted to some models. */
  readonly isRestricted: boolean;
  /**
   * Refreshes, for the cluster as it stands, each model's claimed share: the fraction of its idle
   * GPUs that restricted pods will ask for if the cluster's idle capacity is filled with the
   * workload's mix, at most 1.
   */
  refresh(state: ClusterState): void;
  /** Expected milli-GPU of restricted demand displaced by taking `milli` on a node of `model`. */
  measureDisplaced(model: number, milli: number): number;
}

/**
 * The restricted share of model m, r_m, is the part of the workload's GPU demand that only
 * restricted sets containing m accept, each class's demand spread over its models by capacity.
 * Claimed share = min(1, r_m × idle GPUs of the cluster ÷ idle GPUs of m). It rises as m fills up
 * faster than the cluster, so a pod with a choice moves elsewhere before the restricted pods run
 * out of room, and falls to r_m × (cluster ÷ m) capacity on an empty cluster. No tuned constant.
 */
export function createModelScarcity(state: ClusterState, profile: WorkloadProfile): ModelScarcity {
  const modelCount = state.models.length;
  const capacity = new Float64Array(modelCount);
  state.nodesByModel.forEach((nodes, m) => {
    for (const n of nodes) capacity[m] = capacity[m]! + state.gpuCount[n]!;
  });
  const restrictedShare = measureRestrictedShare(state, profile, capacity);
  const isRestricted = restrictedShare.some((share) => share > 0);
  const idle = new Float64Array(modelCount);
  const claimed = new Float64Array(modelCount);
  return {
    isRestricted,
    refresh(current) {
      if (!isRestricted) return;
      let idleTotal = 0;
      for (let m = 0; m < modelCount; m++) {
        let sum = 0;
        for (const n of current.nodesByModel[m]!) sum += current.idleMilli[n]!;
        idle[m] = sum;
        idleTotal += sum;
      }
      for (let m = 0; m < modelCount; m++) {
        const wanted = restrictedShare[m]! * idleTotal;
        claimed[m] = wanted <= 0 ? 0 : idle[m]! > 0 ? Math.min(1, wanted / idle[m]!) : 1;
      }
    },
    measureDisplaced(model, milli) {
      return isRestricted && model >= 0 ? milli * claimed[model]! : 0;
    },
  };
}

/** r_m for every model: restricted GPU demand assigned to m ÷ all GPU demand of the workload. */
function measureRestrictedShare(
  state: ClusterState,
  profile: WorkloadProfile,
  capacity: Float64Array,
): Float64Array {
  const share = new Float64Array(state.models.length);
  let totalDemand = 0;
  for (const c of profile.classes) {
    if (c.gpuCount === 0) continue;
    const demand = c.weight * c.gpuCount * c.gpuMilli;
    totalDemand += demand;
    if (c.gpuModels.length === 0) continue;
    const accepted = state.models.flatMap((model, m) => (c.gpuModels.includes(model) ? [m] : []));
    const acceptedCapacity = accepted.reduce((sum, m) => sum + capacity[m]!, 0);
    if (acceptedCapacity === 0) continue;
    for (const m of accepted) share[m] = share[m]! + (demand * capacity[m]!) / acceptedCapacity;
  }
  if (totalDemand > 0) for (let m = 0; m < share.length; m++) share[m] = share[m]! / totalDemand;
  return share;
}
