/** A replica the gateway may send a request to, with the requests it has not answered yet. */
export interface ReplicaLoad {
  readonly id: string;
  readonly inflight: number;
}

/**
 * Least outstanding requests (Envoy's LEAST_REQUEST with every host compared): the replica with
 * the fewest requests in flight; ties are broken by `turn`, which the caller advances, so equal
 * replicas take turns instead of the first one taking everything.
 */
export function chooseReplica<T extends ReplicaLoad>(replicas: readonly T[], turn: number): T | undefined {
  let least = Infinity;
  const tied: T[] = [];
  for (const replica of replicas) {
    if (replica.inflight < least) {
      least = replica.inflight;
      tied.length = 0;
    }
    if (replica.inflight === least) tied.push(replica);
  }
  return tied.length === 0 ? undefined : tied[Math.abs(turn) % tied.length];
}
