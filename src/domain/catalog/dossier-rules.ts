import { COMPLIANCE_RULES } from './compliance-rules.js';
import type { DossierRule } from './dossier-rule.js';
import { EXIT_RULES } from './exit-rules.js';
import { INFRASTRUCTURE_RULES } from './infrastructure-rules.js';
import { PARTNERS_RULES } from './partners-rules.js';
import { PRICING_RULES } from './pricing-rules.js';
import { SCALABILITY_RULES } from './scalability-rules.js';
import type { Criterion } from './schema.js';

export type RuleBook = { readonly [C in Criterion]: readonly DossierRule<C>[] };

/** Every rule of the scorecard, by criterion; docs/due-diligence.md states each one. */
export const RULES: RuleBook = {
  infrastructure: INFRASTRUCTURE_RULES,
  partners: PARTNERS_RULES,
  exit: EXIT_RULES,
  compliance: COMPLIANCE_RULES,
  scalability: SCALABILITY_RULES,
  pricing: PRICING_RULES,
};

/** One point per rule. */
export const MAX_CRITERION_SCORE = 5;
