import Type, { type Static } from 'typebox';

/** The shapes of API keys: creating, listing, rotating. A secret is shown once, at creation. */

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const Expires = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'When the key stops working: a duration from now (30d, 12h) or an RFC 3339 instant.',
});

export const CreateKeyBody = Type.Object(
  {
    role: Type.Enum(['owner', 'member', 'viewer', 'auditor', 'service'], {
      description:
        'An owner may create member, viewer, auditor and service keys (a service key only calls its services, of its project when given); the operator any of them.',
    }),
    project: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    expires: Type.Optional(Expires),
  },
  { additionalProperties: false },
);

export const CreateSiteKeyBody = Type.Object(
  {
    role: Type.Enum(['agent', 'metering'], {
      description: 'agent: the agent work of one site; metering: writes usage for one site.',
    }),
    site: Type.String({ minLength: 1, maxLength: 63, description: 'A site of the catalog.' }),
    expires: Type.Optional(Expires),
  },
  { additionalProperties: false },
);

export const Key = Type.Object({
  id: Type.String(),
  role: Type.String(),
  tenantId: Type.Union([Type.String(), Type.Null()], { description: 'null for the operator’s keys.' }),
  project: NullableText,
  site: Type.Union([Type.String(), Type.Null()], { description: 'The site of a site credential.' }),
  createdAt: Instant,
  lastUsedAt: Type.Union([Instant, Type.Null()], { description: 'Within about a minute.' }),
  expiresAt: NullableInstant,
  revokedAt: NullableInstant,
});

export const CreatedKey = Type.Object({
  ...Key.properties,
  key: Type.String({ description: 'Shown once; only its hash is stored.' }),
});

export const KeyList = Type.Object({ items: Type.Array(Key) });

export const RotateKeyBody = Type.Object(
  {
    grace: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description: 'How long the old secret keeps working: 0s to 7d (default 1h).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RotatedKey = Type.Object({
  ...CreatedKey.properties,
  replaced: Type.Object(Key.properties, { description: 'The old key, with the end of its grace.' }),
});

export const Caller = Type.Object({
  keyId: Type.String(),
  role: Type.String(),
  tenantId: Type.Union([Type.String(), Type.Null()], { description: 'null for the operator’s keys.' }),
  project: Type.Union([Type.String(), Type.Null()], { description: 'The one project of a member key.' }),
  site: Type.Union([Type.String(), Type.Null()], { description: 'The site of a site credential.' }),
  actions: Type.Array(Type.String(), {
    description: 'What the role grants (job.submit, job.cancel, audit.read, …), on its tenant or site.',
  }),
});

export type KeyApiView = Static<typeof Key>;
export type CallerView = Static<typeof Caller>;
export type CreatedKeyView = Static<typeof CreatedKey>;
export type RotatedKeyView = Static<typeof RotatedKey>;
