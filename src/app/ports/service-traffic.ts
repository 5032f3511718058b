/**
 * What the gateway knows of a service's traffic and its replicas' health, measured in this
 * process; the controller and the views ask it, the gateway implements it.
 */
export interface ServiceTraffic {
  /** The replica passed its readiness probe last time and takes traffic. */
  isReady(jobId: string): boolean;
  describeReplica(jobId: string): ReplicaTraffic | undefined;
  describeService(serviceId: string): ServiceMeasures;
  /** The replica is about to be stopped: no new request goes to it (those in flight finish). */
  drain(jobId: string): void;
}

export interface ReplicaTraffic {
  readonly endpoint: string;
  readonly ready: boolean;
  /** Requests sent to it and not answered yet. */
  readonly inflight: number;
  /** Why it is not ready (the last probe's failure), or null. */
  readonly problem: string | null;
}

export interface ServiceMeasures {
  readonly inflight: number;
  /** Requests waiting for a ready replica (start-up, scale from zero). */
  readonly held: number;
  /** Seconds since the last request arrived; null when none did since this server started. */
  readonly idleSeconds: number | null;
  /** Requests per second over the last window. */
  readonly rps: number;
  /** Latency percentiles over the last window, ms; null without requests. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}
