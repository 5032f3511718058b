import Type from 'typebox';

export const ErasureBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'Whose request this erasure answers (a ticket, a date): kept in its audit entry.',
    }),
  },
  { additionalProperties: false },
);

export const ErasureReport = Type.Object({
  erasureId: Type.String(),
  tenantId: Type.String(),
  erased: Type.Object({
    jobs: Type.Integer(),
    envValues: Type.Integer(),
    labels: Type.Integer(),
    launches: Type.Integer(),
    logChunks: Type.Integer(),
    serviceDocuments: Type.Integer(),
    auditEntries: Type.Integer(),
  }),
  kept: Type.Array(Type.Object({ what: Type.String(), why: Type.String() })),
  commitment: Type.String({
    description: 'SHA-256 over the erased audit entries (seq, hash, SHA-256 of their data)',
  }),
});
