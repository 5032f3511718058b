import Type, { type Static } from 'typebox';
import { JOB_STATUSES } from '../domain/jobs/lifecycle.js';
import { WorkloadDocument } from '../domain/spec/schema.js';

/** The shapes of the HTTP API, one definition each: validation, types and /openapi.json. */

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          line: Type.Optional(Type.Integer()),
          col: Type.Optional(Type.Integer()),
        }),
      ),
    ),
  },
  { description: 'RFC 9457 problem details; `code` is stable (docs/errors.md).' },
);

export const CreateTenantBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 63 }) },
  { additionalProperties: false },
);
export const Tenant = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Instant });
export const TenantList = Type.Object({ items: Type.Array(Tenant) });

export const Allocation = Type.Object({
  site: Type.String(),
  virtual: Type.Boolean({ description: 'GPUs declared in config, not found by nvidia-smi.' }),
  nodes: Type.Array(
    Type.Object({ node: Type.String(), gpuIndices: Type.Array(Type.Integer()), milliGpus: Type.Integer() }),
  ),
});

export const Job = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Enum(['Job', 'Service']),
  tenantId: Type.String(),
  project: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  status: Type.Enum(JOB_STATUSES),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the job is in its state.' }),
  waiting: Type.Union(
    [
      Type.Object({
        code: Type.String({
          description:
            'QUOTA, CAPACITY, GANG, FRAGMENTATION, PRIORITY, RESERVED_FOR (site scheduler) or BUDGET.',
        }),
        message: Type.String({ description: 'What it waits for, in a sentence, and the detail.' }),
      }),
      Type.Null(),
    ],
    { description: 'What a queued or placed job waits for, when it is known; null otherwise.' },
  ),
  site: Type.Union([Type.String(), Type.Null()]),
  placement: Type.Unknown({
    description:
      'The placement decision, alternatives and every rejected site with its reasons; under `remote`, the explanation of the peer Usine the job was sent to.',
  }),
  allocation: Type.Union([Allocation, Type.Null()]),
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
  startedAt: NullableInstant,
  finishedAt: NullableInstant,
  prunedAt: Type.Union([Instant, Type.Null()], {
    description:
      'When retention took the job’s events and logs (the job, its usage and its audit entries stay); null: all kept.',
  }),
  spec: WorkloadDocument,
});

export const PlacementPreview = Type.Object({
  status: Type.Enum(['placed', 'queued', 'unplaceable'], {
    description: 'What a submission would become now: placed on a site, queued (it waits), or unplaceable.',
  }),
  reason: Type.Union([Type.String(), Type.Null()]),
  placement: Type.Unknown({
    description:
      'The decision, the alternatives and every rejected site with its reasons (as a job’s placement).',
  }),
});

export const JobList = Type.Object({
  items: Type.Array(Job),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const JobListQuery = Type.Object({
  status: Type.Optional(Type.Enum(JOB_STATUSES)),
  project: Type.Optional(Type.String()),
  site: Type.Optional(Type.String({ description: 'Jobs placed on this site.' })),
  tenant: Type.Optional(
    Type.String({ description: "The operator's key: one tenant's jobs (its id); default every tenant's." }),
  ),
  label: Type.Optional(
    Type.String({
      description: 'A label selector, as kubectl: `tier=gold,team!=ops,env in (dev,test),gpu,!spot`.',
    }),
  ),
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

export const Site = Type.Object({
  name: Type.String(),
  provider: Type.String(),
  country: Type.String(),
  backend: Type.String(),
  running: Type.Boolean({ description: 'A backend runs this site here.' }),
  virtual: Type.Boolean(),
  gpus: Type.Record(Type.String(), Type.Integer()),
  gpusAllocated: Type.Number(),
  gpusFree: Type.Number(),
  nodes: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        state: Type.String(),
        usable: Type.Boolean({
          description: 'False when drained, down or failed: its GPUs are not offered.',
        }),
        reason: Type.String(),
        gpus: Type.Record(Type.String(), Type.Integer()),
      }),
      { description: "The backend's own nodes and their health (Slurm), when it has nodes." },
    ),
  ),
  api: Type.Optional(
    Type.Object(
      {
        version: Type.Union([Type.String(), Type.Null()], {
          description: 'The version spoken (`v0.0.42`); null while none is agreed.',
        }),
        offered: Type.Array(Type.String(), { description: 'What the backend offered when last asked.' }),
        spoken: Type.Array(Type.String(), { description: 'What Usine speaks.' }),
        problem: Type.Union([Type.String(), Type.Null()], {
          description: 'Why no version is agreed (unreachable, or none in common), when none is.',
        }),
      },
      { description: "The backend's API version, for backends whose API has versions (Slurm's slurmrestd)." },
    ),
  ),
  certifications: Type.Array(
    Type.Object({
      name: Type.String(),
      expires: Type.Union([Type.String(), Type.Null()]),
      valid: Type.Boolean(),
    }),
  ),
});
export const SiteList = Type.Object({ items: Type.Array(Site) });

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Instant,
  actor: Type.String(),
  tenantId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  subject: Type.String(),
  data: Type.Unknown(),
  prevHash: Type.String(),
  hash: Type.String(),
});
export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export const AuditCheckpoint = Type.Object({
  tenantId: Type.Optional(
    Type.String({ description: "A tenant's checkpoint: its own entries' count and head, no global count." }),
  ),
  count: Type.Integer({ minimum: 1 }),
  headHash: Type.String(),
  at: Instant,
  keyId: Type.String(),
  signature: Type.String({ description: 'Ed25519 over the checkpoint note (docs/audit.md), base64.' }),
});
export const AuditCheckpointPage = Type.Object({
  items: Type.Array(AuditCheckpoint),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export const AuditPublicKey = Type.Object({
  keyId: Type.String(),
  algorithm: Type.Literal('Ed25519'),
  publicKey: Type.String({ description: 'SPKI, PEM' }),
});
export const AuditVerification = Type.Object({
  ok: Type.Boolean(),
  scope: Type.Union([Type.Literal('factory'), Type.Literal('tenant')]),
  entries: Type.Integer({ description: "The chain's entries verified; for a tenant, its own." }),
  firstBadEntry: Type.Optional(Type.Integer()),
  kind: Type.Optional(
    Type.Union([
      Type.Literal('missing'),
      Type.Literal('broken-link'),
      Type.Literal('edited'),
      Type.Literal('unauthenticated'),
      Type.Literal('truncated'),
      Type.Literal('rewritten'),
      Type.Literal('bad-checkpoint'),
    ]),
  ),
  problem: Type.Optional(Type.String()),
  headHash: Type.Optional(Type.String()),
  checkpoint: Type.Optional(AuditCheckpoint),
  rejected: Type.Optional(
    Type.Object(
      { count: Type.Integer(), firstEntry: Type.Integer() },
      { description: 'Queued entries the sealer refused as forged, recorded as audit.reject entries.' },
    ),
  ),
  pending: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        'Entries committed after this verification sealed the chain: not checked yet, sealed within one reconciler interval.',
    }),
  ),
});

export type ProblemBody = Static<typeof Problem>;
export type TenantView = Static<typeof Tenant>;
export type JobView = Static<typeof Job>;
export type PlacementPreviewView = Static<typeof PlacementPreview>;
export type JobListView = Static<typeof JobList>;
export type SiteView = Static<typeof Site>;
export type AuditPageView = Static<typeof AuditPage>;
export type AuditEntryView = Static<typeof AuditEntry>;
export type AuditVerificationView = Static<typeof AuditVerification>;
export type AuditCheckpointView = Static<typeof AuditCheckpoint>;
export type AuditCheckpointPageView = Static<typeof AuditCheckpointPage>;
export type AuditPublicKeyView = Static<typeof AuditPublicKey>;
