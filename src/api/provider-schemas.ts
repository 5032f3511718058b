import Type, { type Static } from 'typebox';

/** The shapes of the due-diligence scorecards (docs/due-diligence.md), as `usine providers --json` prints them. */

const CriterionScore = Type.Object({
  score: Type.Number({ minimum: 0, maximum: 5 }),
  status: Type.Enum(['answered', 'stale', 'open']),
  answer: Type.Union([Type.String(), Type.Null()]),
  asOf: Type.Union([Type.String(), Type.Null()]),
  ageDays: Type.Union([Type.Integer(), Type.Null()]),
  reasons: Type.Array(Type.Object({ rule: Type.String(), points: Type.Number(), message: Type.String() })),
  evidence: Type.Array(Type.String()),
});

export const ProviderScorecards = Type.Object({
  at: Type.String({ format: 'date-time', description: 'The instant staleness is judged at.' }),
  policy: Type.Union([Type.String(), Type.Null()], {
    description: 'The tenant’s Policy whose weights apply.',
  }),
  weights: Type.Record(Type.String(), Type.Number()),
  providers: Type.Array(
    Type.Object({
      name: Type.String(),
      legalName: Type.String(),
      total: Type.Number({ description: 'Σ weight × score / Σ weight, 0 to 5.' }),
      criteria: Type.Record(Type.String(), CriterionScore, {
        description: 'infrastructure, partners, exit, compliance, scalability, pricing',
      }),
    }),
    { description: 'Best first.' },
  ),
});

export type ProviderScorecardsView = Static<typeof ProviderScorecards>;
