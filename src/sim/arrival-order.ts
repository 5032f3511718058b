import { drawIndex, shuffleInPlace, type Random } from '../domain/random.js';
import { measureGpuRequest } from '../domain/scheduling/resources.js';
import type { TracePod } from './trace-pods.js';

/**
 * The order pods arrive in a fill-up replay, following the FGD paper's simulator: sort the trace
 * by name and shuffle it; then, while the total GPU request is under `inflate` × capacity, append
 * pods drawn with replacement from the sorted trace, stopping before the first draw that would
 * pass the target. A trace already over the target loses pods drawn at random instead.
 */
export function buildArrivalOrder(
  pods: readonly TracePod[],
  random: Random,
  inflate: number,
  capacityMilli: number,
): TracePod[] {
  const sorted = [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const order = shuffleInPlace(random, [...sorted]);
  const target = inflate * capacityMilli;
  let total = order.reduce((sum, pod) => sum + measureGpuRequest(pod), 0);
  if (sorted.length === 0) return order;
  if (total < target) {
    for (;;) {
      const pod = sorted[drawIndex(random, sorted.length)]!;
      if (total + measureGpuRequest(pod) > target) break;
      order.push(pod);
      total += measureGpuRequest(pod);
    }
    return order;
  }
  while (total > target && order.length > 0) {
    const [removed] = order.splice(drawIndex(random, order.length), 1);
    total -= measureGpuRequest(removed!);
  }
  return order;
}
