import { createSeededRandom } from '../random.js';
import { createBestFitPolicy } from './best-fit.js';
import { createBestPolicy } from './best.js';
import type { ClusterState } from './cluster-state.js';
import { createFgdPolicy } from './fgd.js';
import { createFirstFitPolicy } from './first-fit.js';
import { drawNodeRank } from './node-rank.js';
import type { PackingPolicy } from './packing-policy.js';
import { createRandomPolicy } from './random-fit.js';
import type { WorkloadProfile } from './workload-profile.js';

/** The packing policies Usine offers, by name. */
export const POLICY_NAMES = ['first-fit', 'best-fit', 'fgd', 'best', 'random'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** True when `name` is one of `POLICY_NAMES`. */
export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/**
 * A policy for one cluster state. `seed` fixes the node priority that breaks ties (and the draws
 * of `random`); `profile` is the pod distribution that `fgd` and `best` measure fragmentation by.
 */
export function createPackingPolicy(
  name: PolicyName,
  state: ClusterState,
  profile: WorkloadProfile,
  seed: number,
): PackingPolicy {
  const rank = drawNodeRank(createSeededRandom(seed ^ 0x5bd1e995), state.nodes.length);
  switch (name) {
    case 'first-fit':
      return createFirstFitPolicy(rank);
    case 'best-fit':
      return createBestFitPolicy(state, rank);
    case 'fgd':
      return createFgdPolicy(state, profile, rank);
    case 'best':
      return createBestPolicy(state, profile, rank);
    case 'random':
      return createRandomPolicy(state, createSeededRandom(seed ^ 0x27d4eb2f));
  }
}
