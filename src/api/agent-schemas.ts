import Type, { type Static } from 'typebox';
import { LAUNCH_STATES } from '../app/ports/fleet-store.js';

/** The fleet protocol between `usine agent` and the control plane (`/v1/agent/…`). */

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.-]+$' });

/** Who is speaking: the site (its key must be for it), the node, and the agent's own id. */
const AgentIdentity = {
  site: Name,
  node: Name,
  agentId: Type.String({ minLength: 1, maxLength: 200 }),
};

export const NodeGpu = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    uuid: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    model: Type.String({ minLength: 1, maxLength: 100 }),
    memoryGiB: Type.Number({ minimum: 0 }),
    powerLimitW: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    virtual: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const RegisterNodeBody = Type.Object(
  {
    ...AgentIdentity,
    agentVersion: Type.String({ minLength: 1, maxLength: 100 }),
    inventory: Type.Object(
      {
        gpus: Type.Array(NodeGpu, { maxItems: 1024 }),
        cpus: Type.Integer({ minimum: 0 }),
        memoryMiB: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const LaunchOrder = Type.Object({
  jobId: Type.String(),
  name: Type.String(),
  command: Type.Array(Type.String()),
  image: Type.Optional(Type.String()),
  env: Type.Record(Type.String(), Type.String()),
  allocation: Type.Unknown(),
  maxDurationSeconds: Type.Optional(Type.Number()),
  durationSeconds: Type.Number(),
  listen: Type.Optional(Type.Boolean({ description: 'A Service replica: give it a port in $PORT.' })),
});

export const AgentLaunch = Type.Object({
  jobId: Type.String(),
  node: Type.String(),
  state: Type.Enum(LAUNCH_STATES),
  request: LaunchOrder,
  agentHandle: Type.Union([Type.String(), Type.Null()]),
  cancelRequested: Type.Boolean(),
  logBytes: Type.Integer({ description: 'Bytes of output already shipped: the next chunk starts here.' }),
});

export const RegisteredNode = Type.Object({
  site: Type.String(),
  node: Type.String(),
  registeredAt: Instant,
  heartbeatSeconds: Type.Number(),
  graceSeconds: Type.Number(),
  open: Type.Array(AgentLaunch, { description: 'Launches claimed or running on this node: adopt them.' }),
});

export const HeartbeatBody = Type.Object(
  { ...AgentIdentity, running: Type.Array(Type.String(), { maxItems: 10_000 }) },
  { additionalProperties: false },
);
export const HeartbeatAnswer = Type.Object({
  stop: Type.Array(Type.String(), {
    description: 'Jobs to stop: cancelled, or declared lost while the node was silent.',
  }),
});

export const ClaimBody = Type.Object(
  { ...AgentIdentity, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
  { additionalProperties: false },
);
export const ClaimAnswer = Type.Object({ items: Type.Array(AgentLaunch) });

export const LaunchReportBody = Type.Object(
  {
    ...AgentIdentity,
    state: Type.Enum(['running', 'succeeded', 'failed', 'cancelled', 'lost']),
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    reason: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
    agentHandle: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
    startedAt: NullableInstant,
    finishedAt: NullableInstant,
    endpoint: Type.Optional(
      Type.Union([Type.String({ pattern: '^http://[^/\\s]+$', maxLength: 300 }), Type.Null()], {
        description: 'A Service replica: where its process listens (http://127.0.0.1:41234).',
      }),
    ),
  },
  { additionalProperties: false },
);
export const LaunchReportAnswer = Type.Object({
  applied: Type.Boolean({ description: 'False when the launch had already moved on (a replay).' }),
  state: Type.String(),
});

export const LogChunkBody = Type.Object(
  {
    ...AgentIdentity,
    offset: Type.Integer({ minimum: 0, description: 'Byte offset of the chunk in the job’s output.' }),
    text: Type.String({ minLength: 1, maxLength: 512 * 1024 }),
  },
  { additionalProperties: false },
);
export const LogChunkAnswer = Type.Object({
  end: Type.Integer({ description: 'Bytes shipped after this call: where the next chunk starts.' }),
});

export const FleetNode = Type.Object({
  site: Type.String(),
  name: Type.String(),
  state: Type.Enum(['ready', 'unreachable']),
  gpus: Type.Array(NodeGpu),
  cpus: Type.Integer(),
  memoryMiB: Type.Integer(),
  agentId: Type.String(),
  agentVersion: Type.String(),
  registeredAt: Instant,
  lastHeartbeatAt: Instant,
  running: Type.Array(Type.String(), { description: 'Jobs claimed or running there.' }),
});
export const FleetNodeList = Type.Object({ items: Type.Array(FleetNode) });
export type FleetNodeView = Static<typeof FleetNode>;
