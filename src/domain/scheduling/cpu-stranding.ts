import type { WorkloadProfile } from './workload-profile.js';

/**
 * GPUs stranded by CPU in the aggregate: the idle milli-GPU of a node that the CPU it has left
 * cannot feed at the rate the workload's GPU pods bring CPU per milli-GPU.
 *
 * FGD's measure asks whether the _next_ pod of each class fits a node's CPU left; it does not see a
 * node that fits every class once but will run out of CPU long before its GPUs are used up. The
 * workload's GPU pods ask on average ρ milli-CPU per milli-GPU,
 *   ρ = Σ_GPU classes p_m · cpu_m ÷ Σ_GPU classes p_m · gpuCount_m · share_m,
 * so a node with `cpu` milli-CPU left can feed about cpu ÷ ρ milli-GPU; the rest of its idle GPU,
 * max(0, idle − cpu ÷ ρ), is stranded. The change of that amount is the cost of a placement: a
 * CPU-heavy pod (or a CPU-only one) goes where CPU is plentiful for the GPUs left, a CPU-light one
 * where CPU is short. No tuned constant: ρ is read from the profile, and the unit is milli-GPU like
 * FGD's gradient.
 */
export interface CpuStranding {
  /** Change of the measure when a node with `idleMilli` and `cpuFree` gives up `milli` and `cpuMilli`. */
  measureChange(idleMilli: number, cpuFree: number, milli: number, cpuMilli: number): number;
}

/** Builds the measure from the workload's CPU and GPU requests. */
export function createCpuStranding(profile: WorkloadProfile): CpuStranding {
  let cpu = 0;
  let gpu = 0;
  for (const c of profile.classes) {
    if (c.gpuCount === 0) continue;
    cpu += c.weight * c.cpuMilli;
    gpu += c.weight * c.gpuCount * c.gpuMilli;
  }
  // Milli-CPU per milli-GPU; 0 when the GPU pods ask no CPU or there are none (nothing to strand).
  const rho = gpu > 0 ? cpu / gpu : 0;
  const measure = (idleMilli: number, cpuFree: number): number =>
    rho > 0 ? Math.max(0, idleMilli - cpuFree / rho) : 0;
  return {
    measureChange(idleMilli, cpuFree, milli, cpuMilli) {
      return measure(idleMilli - milli, cpuFree - cpuMilli) - measure(idleMilli, cpuFree);
    },
  };
}
