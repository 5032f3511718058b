import Type, { type Static } from 'typebox';
import { JOB_STATUSES } from '../domain/jobs/lifecycle.js';
import { WorkloadDocument } from '../domain/spec/schema.js';

/** The service routes' shapes (`/v1/services…`). */

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const ServiceReplica = Type.Object({
  job: Type.String({ description: 'The replica is a job: `usine job ID` shows its placement and logs.' }),
  status: Type.Enum(JOB_STATUSES),
  revision: Type.Integer(),
  site: Type.Union([Type.String(), Type.Null()]),
  node: Type.Union([Type.String(), Type.Null()]),
  ready: Type.Boolean({ description: 'Passed its readiness probe: the gateway sends it traffic.' }),
  inflight: Type.Integer(),
  endpoint: Type.Union([Type.String(), Type.Null()]),
  problem: Type.Union([Type.String(), Type.Null()], { description: 'Why it is not ready, or why it waits.' }),
  simulated: Type.Boolean(),
  startedAt: NullableInstant,
});

export const ServiceEvent = Type.Object({
  seq: Type.Integer(),
  at: Instant,
  type: Type.String({ description: 'created, scaled, replica-started, replica-stopped, replica-ended, …' }),
  data: Type.Unknown(),
});

export const Service = Type.Object({
  id: Type.String(),
  name: Type.String(),
  project: Type.String(),
  revision: Type.Integer(),
  state: Type.Enum(['active', 'deleted']),
  endpoint: Type.Object({
    url: Type.String({ description: 'Where to call it: the gateway of this server.' }),
    auth: Type.Enum(['keys', 'public']),
    openai: Type.Boolean(),
  }),
  replicas: Type.Object({
    desired: Type.Integer(),
    min: Type.Integer(),
    max: Type.Integer(),
    ready: Type.Integer(),
    items: Type.Array(ServiceReplica),
  }),
  traffic: Type.Object({
    inflight: Type.Integer(),
    held: Type.Integer({ description: 'Requests waiting for a ready replica.' }),
    idleSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'Since the last request.' }),
    rps: Type.Number(),
    p50Ms: NullableNumber,
    p99Ms: NullableNumber,
    requests: Type.Integer({ description: 'Since this server started.' }),
    promptTokens: Type.Integer(),
    completionTokens: Type.Integer(),
  }),
  tokens: Type.Object(
    {
      requests: Type.Integer(),
      promptTokens: Type.Integer(),
      completionTokens: Type.Integer(),
      byKey: Type.Array(
        Type.Object({
          keyId: Type.String({ description: "The calling key's id; empty for a public endpoint." }),
          requests: Type.Integer(),
          promptTokens: Type.Integer(),
          completionTokens: Type.Integer(),
        }),
      ),
    },
    {
      description:
        'What the replicas reported in their answers, as every gateway metered it (openai endpoints).',
    },
  ),
  events: Type.Array(ServiceEvent, { description: 'The latest first (empty in lists).' }),
  createdAt: Instant,
  updatedAt: Instant,
  spec: WorkloadDocument,
});
export type ServiceView = Static<typeof Service>;
export const ServiceList = Type.Object({ items: Type.Array(Service) });

export const ScaleServiceBody = Type.Object(
  { replicas: Type.Integer({ minimum: 0, maximum: 1000 }) },
  { additionalProperties: false },
);
