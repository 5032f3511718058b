import { grant, joinNames, requireEvidence, withhold, type DossierRule } from './dossier-rule.js';

/** Pricing models that bind the buyer to nothing. */
export const PAY_PER_USE_MODELS: readonly string[] = ['pay-per-use', 'on-demand', 'spot'];

/** Whether the buyer pays for use or is bound, and on what terms it can leave. */
export const PRICING_RULES: readonly DossierRule<'pricing'>[] = [
  requireEvidence('pricing'),
  {
    id: 'pricing.models',
    summary: 'the pricing models are stated (`models`)',
    check: (a) =>
      (a.models ?? []).length > 0
        ? grant(`pricing models: ${joinNames(a.models)}`)
        : withhold('pricing models not stated'),
  },
  {
    id: 'pricing.pay-per-use',
    summary:
      'pay-per-use among the models, so nothing binds the buyer (`pay-per-use`, `on-demand` or `spot`)',
    check: (a) =>
      (a.models ?? []).some((m) => PAY_PER_USE_MODELS.includes(m.toLowerCase()))
        ? grant('pay-per-use available')
        : withhold('no pay-per-use model'),
  },
  {
    id: 'pricing.exit-clauses',
    summary: 'the exit clauses of a commitment are stated (`exitClauses`)',
    check: (a) =>
      a.exitClauses ? grant(`exit clauses: ${a.exitClauses}`) : withhold('exit clauses not stated'),
  },
  {
    id: 'pricing.sla-credits',
    summary: 'service credits are paid when the SLA is missed (`slaCredits: true`)',
    check: (a) => (a.slaCredits === true ? grant('SLA credits') : withhold('no SLA credits stated')),
  },
];
