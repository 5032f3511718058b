import { canHost, chooseDefaultGpus } from './feasibility.js';
import { sortByRank } from './node-rank.js';
import type { PackingPolicy } from './packing-policy.js';

/** The first node, in rank order, that can host the request; the tightest GPU on it. */
export function createFirstFitPolicy(rank: Int32Array): PackingPolicy {
  const order = sortByRank(rank);
  return {
    name: 'first-fit',
    choose(state, request) {
      for (const n of order) {
        if (canHost(state, n, request)) return { node: n, gpus: chooseDefaultGpus(state, n, request) };
      }
      return undefined;
    },
  };
}
