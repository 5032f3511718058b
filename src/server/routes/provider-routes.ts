import Type from 'typebox';
import { requireAllowed } from '../../app/auth/principal.js';
import type { AppContext } from '../../app/context.js';
import { UsineError } from '../../app/errors.js';
import { LANGUAGES, type Language } from '../../domain/catalog/questionnaire.js';
import { EQUAL_WEIGHTS, rankProviders, scoreProvider } from '../../domain/catalog/rank-providers.js';
import { toScorecardView } from '../../domain/catalog/scorecard-view.js';
import { writeRfp } from '../../domain/catalog/write-rfp.js';
import { ProviderScorecards } from '../../api/provider-schemas.js';
import { Problem } from '../../api/schemas.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

/** The providers' due-diligence scorecards and the questionnaire for what a dossier leaves open. */
export function listProviderRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/providers',
      operationId: 'listProviders',
      summary:
        'The providers’ dossiers scored on the six due-diligence criteria, weighed by the tenant’s policy (docs/due-diligence.md)',
      tag: 'sites',
      auth: true,
      responses: {
        200: {
          description: 'Scorecards, best first: the shape of `usine providers --json`',
          schema: ProviderScorecards,
        },
        ...problems,
      },
      handle: async (_request, _reply, principal) => {
        requireAllowed(principal, 'site.read');
        const tenant =
          principal.tenantId === null
            ? undefined
            : await ctx.store.transaction((tx) => tx.getTenant(principal.tenantId ?? ''));
        const policy = tenant && ctx.catalog.policies.find((p) => p.name === tenant.name);
        const weights = policy?.weights ?? EQUAL_WEIGHTS;
        const at = ctx.clock.now();
        return {
          at: at.toISOString(),
          policy: policy?.name ?? null,
          weights,
          providers: rankProviders(ctx.catalog, weights, at).map(toScorecardView),
        };
      },
    },
    {
      method: 'GET',
      url: '/v1/providers/:name/rfp',
      operationId: 'getProviderRfp',
      summary: 'The call-for-tenders questionnaire for what the provider’s dossier leaves open (Markdown)',
      tag: 'sites',
      auth: true,
      query: Type.Object({ lang: Type.Optional(Type.Enum([...LANGUAGES])) }),
      responses: {
        200: { description: 'The questionnaire', contentType: 'text/markdown' },
        ...problems,
        404: { description: 'No such provider', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        requireAllowed(principal, 'site.read');
        const { name } = request.params as { name: string };
        const provider = ctx.catalog.providers.find((p) => p.name === name);
        if (!provider) throw new UsineError('USINE_NOT_FOUND', `no provider named ${name} in the catalog`);
        const language = ((request.query as { lang?: Language }).lang ?? 'en') as Language;
        const at = ctx.clock.now();
        void reply.type('text/markdown; charset=utf-8');
        return writeRfp(scoreProvider(provider, ctx.catalog, EQUAL_WEIGHTS, at), language, at);
      },
    },
  ];
}
