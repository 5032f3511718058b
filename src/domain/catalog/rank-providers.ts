import type { Catalog, Provider } from './catalog.js';
import { scoreDossier, type DossierScores } from './score-dossier.js';
import { CRITERIA, type Criterion } from './schema.js';

/** A provider's scorecard: its six criteria and their weighted mean. */
export interface ProviderScorecard {
  readonly name: string;
  readonly legalName: string;
  /** Weighted mean of the criteria's scores, 0 to 5, rounded to two decimals. */
  readonly total: number;
  readonly criteria: DossierScores;
}

export type CriterionWeights = Readonly<Record<Criterion, number>>;

export const EQUAL_WEIGHTS: CriterionWeights = {
  infrastructure: 1,
  partners: 1,
  exit: 1,
  compliance: 1,
  scalability: 1,
  pricing: 1,
};

/** Every provider of the catalog scored at the instant, best total first (ties by name). */
export function rankProviders(catalog: Catalog, weights: CriterionWeights, at: Date): ProviderScorecard[] {
  return catalog.providers
    .map((provider) => scoreProvider(provider, catalog, weights, at))
    .sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function scoreProvider(
  provider: Provider,
  catalog: Catalog,
  weights: CriterionWeights,
  at: Date,
): ProviderScorecard {
  const sites = catalog.sites.filter((site) => site.provider === provider.name);
  const criteria = scoreDossier(provider, sites, at);
  return {
    name: provider.name,
    legalName: provider.legalName,
    total: weighScores(criteria, weights),
    criteria,
  };
}

/** Σ weight × score / Σ weight, rounded half up to two decimals; 0 when every weight is 0. */
export function weighScores(criteria: DossierScores, weights: CriterionWeights): number {
  let weighted = 0;
  let totalWeight = 0;
  for (const criterion of CRITERIA) {
    weighted += weights[criterion] * criteria[criterion].score;
    totalWeight += weights[criterion];
  }
  if (totalWeight === 0) return 0;
  // Scores are integers and weights short decimals: rounding at 1e-9 first keeps 2.675 from becoming 2.67.
  return Math.round(Number(((weighted / totalWeight) * 100).toFixed(9))) / 100;
}
