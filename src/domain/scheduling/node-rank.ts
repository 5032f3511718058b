import { shuffleInPlace, type Random } from '../random.js';

/**
 * A fixed priority among nodes, used to break ties between equally good nodes: rank[n] is node
 * n's position (lower wins). A per-seed random permutation, as in the FGD paper's simulator, so
 * ties spread over the cluster without a fresh coin flip at each decision.
 */
export function drawNodeRank(random: Random, nodeCount: number): Int32Array {
  const order = shuffleInPlace(
    random,
    Array.from({ length: nodeCount }, (_, n) => n),
  );
  const rank = new Int32Array(nodeCount);
  order.forEach((n, position) => {
    rank[n] = position;
  });
  return rank;
}

/** Node order by increasing rank: the order a first-fit scan visits nodes. */
export function sortByRank(rank: Int32Array): Int32Array {
  return Int32Array.from(rank.keys()).sort((a, b) => rank[a]! - rank[b]!);
}

/** Identity ranks: ties go to the lowest node index. */
export function createIndexRank(nodeCount: number): Int32Array {
  return Int32Array.from({ length: nodeCount }, (_, n) => n);
}
