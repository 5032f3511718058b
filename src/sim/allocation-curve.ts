/**
 * GPU allocation against arrived load, measured the way the FGD paper's analysis scripts do:
 * after every pod attempt (placed or failed), arrived load and allocation are taken as a share of
 * GPU capacity; arrived load is rounded to a whole percent and allocation to 0.01 %; the value at
 * k % is the mean allocation of the records at k % (or at k−1..k+1 % when there are none).
 */
export interface AllocationCurve {
  record(arrivedMilli: number, allocatedMilli: number): void;
  /** Allocation % at `loadPct` arrived load; NaN when no record is near it. */
  sampleAt(loadPct: number): number;
}

/** An empty curve for a cluster of `capacityMilli`. */
export function createAllocationCurve(capacityMilli: number): AllocationCurve {
  const sums: number[] = [];
  const counts: number[] = [];
  return {
    record(arrivedMilli, allocatedMilli) {
      const bucket = Math.round((arrivedMilli * 100) / capacityMilli);
      const allocPct = Math.round((allocatedMilli * 10000) / capacityMilli) / 100;
      sums[bucket] = (sums[bucket] ?? 0) + allocPct;
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    },
    sampleAt(loadPct) {
      const own = counts[loadPct] ?? 0;
      if (own > 0) return sums[loadPct]! / own;
      let sum = 0;
      let count = 0;
      for (let k = loadPct - 1; k <= loadPct + 1; k++) {
        sum += sums[k] ?? 0;
        count += counts[k] ?? 0;
      }
      return count > 0 ? sum / count : Number.NaN;
    },
  };
}
