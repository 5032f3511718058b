import Type from 'typebox';
import { ERROR_MESSAGE } from '../documents/check-schema.js';
import { Closed, Duration } from '../documents/fields.js';

/** The fields only a `Service` has: replicas, their port and probes, autoscaling, rollout, endpoint. */

export const AUTOSCALE_METRICS = ['inflight', 'rps'] as const;
export const ENDPOINT_AUTH = ['keys', 'public'] as const;

const Count = (description: string, minimum = 0) =>
  Type.Integer({
    minimum,
    maximum: 1000,
    description,
    [ERROR_MESSAGE]: `must be a whole number from ${minimum} to 1000`,
  });
const Seconds = (description: string) =>
  Type.Number({
    exclusiveMinimum: 0,
    maximum: 3600,
    description,
    [ERROR_MESSAGE]: 'must be a number of seconds above 0, at most 3600',
  });

export const Probe = Closed(
  {
    path: Type.String({
      pattern: '^/[\\x21-\\x7e]*$',
      maxLength: 512,
      [ERROR_MESSAGE]: 'must be an HTTP path starting with /, such as /health',
      description: 'GET this path on the replica; a 2xx answer passes.',
    }),
    intervalSeconds: Type.Optional(
      Seconds('Seconds between two probes; default 5 (readiness) or 10 (liveness).'),
    ),
    timeoutSeconds: Type.Optional(Seconds('A probe that takes longer fails; default 2.')),
    successThreshold: Type.Optional(
      Count('Passes in a row before the replica counts as ready; default 1.', 1),
    ),
    failureThreshold: Type.Optional(
      Count(
        'Failures in a row before it counts as not ready (readiness) or is replaced (liveness); default 3.',
        1,
      ),
    ),
  },
  'An HTTP probe of a replica.',
);

export const ServiceFields = {
  port: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      [ERROR_MESSAGE]: 'must be a TCP port from 1 to 65535',
      description:
        'The port a replica listens on inside its own network (an image). Process backends give each replica a free port in $PORT: listen there.',
    }),
  ),
  replicas: Type.Optional(
    Closed(
      {
        min: Count('Fewest replicas; 0 lets the service scale to zero when idle.'),
        max: Count('Most replicas.', 1),
      },
      'How many replicas may run; default {min: 1, max: 1}.',
    ),
  ),
  readiness: Type.Optional(Probe),
  liveness: Type.Optional(Probe),
  autoscale: Type.Optional(
    Closed(
      {
        metric: Type.Optional(
          Type.Enum(AUTOSCALE_METRICS, {
            description: 'In-flight requests (default) or requests per second.',
          }),
        ),
        target: Type.Number({
          exclusiveMinimum: 0,
          [ERROR_MESSAGE]: 'must be a number above 0',
          description: 'The metric per replica the autoscaler aims at.',
        }),
        scaleDownDelay: Type.Optional(Duration),
        scaleToZeroAfter: Type.Optional(Duration),
      },
      'Scale between replicas.min and replicas.max from what the gateway measures.',
    ),
  ),
  rollout: Type.Optional(
    Closed(
      {
        maxSurge: Type.Optional(
          Count('Replicas of the new revision started above the desired count; default 1.'),
        ),
        maxUnavailable: Type.Optional(
          Count('Ready replicas that may be missing during a rollout; default 0.'),
        ),
      },
      'How a new revision replaces the old one.',
    ),
  ),
  endpoint: Type.Optional(
    Closed(
      {
        auth: Type.Optional(
          Type.Enum(ENDPOINT_AUTH, {
            description: 'keys (default): a service key of the tenant; public: anyone.',
          }),
        ),
        openai: Type.Optional(
          Type.Boolean({ description: 'OpenAI-style API: the gateway meters the tokens of each answer.' }),
        ),
      },
      'How the gateway exposes the service.',
    ),
  ),
};

/** The names of ServiceFields, which a Job may not carry. */
export const SERVICE_FIELD_NAMES = Object.keys(ServiceFields) as readonly (keyof typeof ServiceFields)[];
