import type { Static } from 'typebox';
import { parseDuration, type Seconds } from '../time/duration.js';
import type { WorkloadDocument } from './schema.js';
import type { Probe } from './service-schema.js';

/** A Service's serving settings, defaults applied. */
export interface ServiceSettings {
  readonly port: number | undefined;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly readiness: ProbeSettings;
  readonly liveness: ProbeSettings | undefined;
  readonly autoscale: AutoscaleSettings | undefined;
  readonly rollout: { readonly maxSurge: number; readonly maxUnavailable: number };
  readonly endpoint: { readonly auth: 'keys' | 'public'; readonly openai: boolean };
}

export interface ProbeSettings {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export interface AutoscaleSettings {
  readonly metric: 'inflight' | 'rps';
  readonly target: number;
  readonly scaleDownDelay: Seconds;
  /** Undefined: never to zero (also when replicas.min is above 0). */
  readonly scaleToZeroAfter: Seconds | undefined;
}

/** Without a readiness probe, a replica is ready once its port takes an HTTP request at `/`. */
export const DEFAULT_READINESS_PATH = '/';

export function normaliseService(spec: WorkloadDocument['spec']): ServiceSettings {
  const min = spec.replicas?.min ?? 1;
  const autoscale = spec.autoscale;
  return {
    port: spec.port,
    replicas: { min, max: spec.replicas?.max ?? Math.max(1, min) },
    readiness: normaliseProbe(spec.readiness, 5) ?? {
      path: DEFAULT_READINESS_PATH,
      intervalSeconds: 5,
      timeoutSeconds: 2,
      successThreshold: 1,
      failureThreshold: 3,
    },
    liveness: normaliseProbe(spec.liveness, 10),
    autoscale: autoscale && {
      metric: autoscale.metric ?? 'inflight',
      target: autoscale.target,
      scaleDownDelay: parseDuration(autoscale.scaleDownDelay ?? '2m') ?? 120,
      scaleToZeroAfter:
        min === 0 && autoscale.scaleToZeroAfter !== undefined
          ? parseDuration(autoscale.scaleToZeroAfter)
          : undefined,
    },
    rollout: { maxSurge: spec.rollout?.maxSurge ?? 1, maxUnavailable: spec.rollout?.maxUnavailable ?? 0 },
    endpoint: { auth: spec.endpoint?.auth ?? 'keys', openai: spec.endpoint?.openai ?? false },
  };
}

function normaliseProbe(
  probe: Static<typeof Probe> | undefined,
  interval: number,
): ProbeSettings | undefined {
  if (!probe) return undefined;
  return {
    path: probe.path,
    intervalSeconds: probe.intervalSeconds ?? interval,
    timeoutSeconds: probe.timeoutSeconds ?? 2,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}
