import type { ProviderScorecard } from './rank-providers.js';
import { CRITERIA } from './schema.js';

/**
 * A provider's scorecard as plain JSON, criteria in the checklist's order: the `--json` contract
 * of `usine providers` and the API's `GET /v1/providers` (shape in docs/due-diligence.md).
 */
export function toScorecardView(card: ProviderScorecard) {
  const criteria = Object.fromEntries(
    CRITERIA.map((c) => {
      const { score, status, answer, asOf, ageDays, reasons, evidence } = card.criteria[c];
      return [c, { score, status, answer, asOf, ageDays, reasons, evidence }];
    }),
  );
  return { name: card.name, legalName: card.legalName, total: card.total, criteria };
}
