/**
 * The service controller's memory, per process. Kept in memory on purpose: the replicas seen
 * at the last pass tell which ones ended since (the store keeps how), and the backoff only
 * spaces out replacements. A restart (or another replica taking the reconciler's lock) starts
 * with neither: at worst it replaces a failing replica once more without waiting, and waits a
 * whole scale-down delay again before scaling down.
 */
export interface ServiceControllerState {
  /** Each service's live replicas (job ids) at the last pass. */
  readonly replicas: Map<string, Set<string>>;
  /** Services whose replicas failed in a row: how many times, and when to try again (ms). */
  readonly backoff: Map<string, { readonly failures: number; readonly retryAt: number }>;
  /** The replicas each autoscaling decision wanted, over the scale-down delay: [ms, wanted]. */
  readonly autoscale: Map<string, (readonly [number, number])[]>;
}

export function createServiceControllerState(): ServiceControllerState {
  return { replicas: new Map(), backoff: new Map(), autoscale: new Map() };
}

/** 1 s, 2 s, 4 s … at most 5 minutes (Kubernetes' CrashLoopBackOff has the same shape). */
export function replicaBackoffSeconds(failures: number): number {
  return Math.min(300, 2 ** Math.max(0, failures - 1));
}
