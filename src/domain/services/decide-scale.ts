import type { AutoscaleSettings } from '../spec/service-spec.js';

/** What the autoscaler sees of one service at one instant (the gateway's own measurements). */
export interface ScaleInputs {
  readonly settings: AutoscaleSettings;
  readonly min: number;
  readonly max: number;
  /** The replicas wanted now. */
  readonly current: number;
  /** Requests in flight to its replicas, and requests held waiting for a ready replica. */
  readonly inflight: number;
  readonly held: number;
  /** Requests per second over the last seconds. */
  readonly rps: number;
  /** Seconds since the last request arrived; Infinity when none ever did. */
  readonly idleSeconds: number;
  /** The replicas each recent decision wanted, over at least `scaleDownDelay`: [seconds ago, wanted]. */
  readonly recent: readonly (readonly [number, number])[];
}

export interface ScaleDecision {
  /** The replicas wanted: `current` when nothing changes. */
  readonly to: number;
  /** What the metric asks for now, before the scale-down delay and the bounds. */
  readonly wanted: number;
  readonly reason: 'load' | 'held-requests' | 'scale-down-delay-passed' | 'idle' | 'steady';
}

/**
 * Knative's KPA in small: the metric (in-flight requests, or requests per second) over the
 * target per replica gives the replicas wanted; up at once, down only once every decision of the
 * last `scaleDownDelay` wanted fewer (the most of them), to zero only after `scaleToZeroAfter`
 * without a request, and never to zero while requests are held. Bounded by replicas.min and max.
 */
export function decideScale(inputs: ScaleInputs): ScaleDecision {
  const { settings, min, max, current } = inputs;
  const metric = settings.metric === 'rps' ? inputs.rps : inputs.inflight + inputs.held;
  const wanted = Math.ceil(metric / settings.target - 1e-9);
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  if (inputs.held > 0 && current === 0)
    return { to: clamp(Math.max(1, wanted)), wanted, reason: 'held-requests' };
  if (wanted > current) return { to: clamp(wanted), wanted, reason: 'load' };
  const toZero = settings.scaleToZeroAfter;
  if (current > 0 && min === 0 && toZero !== undefined && inputs.idleSeconds >= toZero && inputs.held === 0)
    return { to: 0, wanted, reason: 'idle' };
  if (wanted < current) {
    const window = inputs.recent.filter(([ago]) => ago <= settings.scaleDownDelay);
    const covered = inputs.recent.some(([ago]) => ago >= settings.scaleDownDelay);
    const most = Math.max(wanted, ...window.map(([, n]) => n));
    // a service that scales to zero keeps one replica until it is idle long enough
    const floor = toZero !== undefined && min === 0 ? 1 : min;
    const to = Math.min(max, Math.max(floor, most));
    if (covered && to < current) return { to, wanted, reason: 'scale-down-delay-passed' };
  }
  return { to: current, wanted, reason: 'steady' };
}
