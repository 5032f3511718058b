/**
 * Dominant-resource fairness (Ghodsi et al., NSDI 2011) with weights: a tenant's share is the
 * largest of its GPU, CPU and memory use as fractions of the site, divided by its weight. The
 * tenant with the smallest share is served first.
 */
export interface DominantShares {
  /** Adds (sign 1) or removes (sign -1) what one job holds. */
  charge(tenant: number, gpuMilli: number, cpuMilli: number, memoryMib: number, sign: 1 | -1): void;
  share(tenant: number): number;
  /** GPU milli the tenant holds now. */
  gpuMilli(tenant: number): number;
}

export function createDominantShares(
  weights: readonly number[],
  capacity: { gpuMilli: number; cpuMilli: number; memoryMib: number },
): DominantShares {
  const tenants = weights.length;
  const gpu = new Float64Array(tenants);
  const cpu = new Float64Array(tenants);
  const memory = new Float64Array(tenants);
  const shares = new Float64Array(tenants);
  const over = (used: number, total: number) => (total > 0 ? used / total : 0);
  return {
    charge(t, g, c, m, sign) {
      gpu[t] = gpu[t]! + sign * g;
      cpu[t] = cpu[t]! + sign * c;
      memory[t] = memory[t]! + sign * m;
      const dominant = Math.max(
        over(gpu[t]!, capacity.gpuMilli),
        over(cpu[t]!, capacity.cpuMilli),
        over(memory[t]!, capacity.memoryMib),
      );
      shares[t] = dominant / (weights[t] ?? 1);
    },
    share: (t) => shares[t] ?? 0,
    gpuMilli: (t) => gpu[t] ?? 0,
  };
}
