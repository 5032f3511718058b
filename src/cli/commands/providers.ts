import type { Command } from 'commander';
import type { Catalog } from '../../domain/catalog/catalog.js';
import type { CriterionWeights, ProviderScorecard } from '../../domain/catalog/rank-providers.js';
import type { CriterionScore } from '../../domain/catalog/score-dossier.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { parseInstant } from '../parse-instant.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerProviders(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('providers')
    .summary('compare the providers’ due-diligence dossiers side by side')
    .description(
      'Score each provider’s dossier 0–5 on the six questions of the due-diligence checklist\n' +
        '(infrastructure, partners, exit, compliance, scalability, pricing), with the evidence and\n' +
        'its age, and rank the providers by the weighted mean. Answers older than 12 months are\n' +
        'stale (capped at 2/5); missing ones are open (0). Rules: docs/due-diligence.md.',
    )
    .requiredOption('--catalog <file>', 'the federation catalog (YAML)')
    .option('--policy <file>', 'weigh the criteria with this tenant Policy’s weights (default: all 1)')
    .option('--at <time>', 'judge staleness and certifications at this RFC 3339 instant (default: now)')
    .option('--json', 'print the scorecards as JSON (shape in docs/due-diligence.md)')
    .addHelpText(
      'after',
      '\nExample:\n  usine providers --catalog examples/federation.yaml \\\n      --policy examples/policies/clinic.yaml',
    )
    .action(async (options: { catalog: string; policy?: string; at?: string; json?: boolean }) => {
      const { EQUAL_WEIGHTS, rankProviders } = await import('../../domain/catalog/rank-providers.js');
      const { CRITERIA } = await import('../../domain/catalog/schema.js');
      const { toScorecardView } = await import('../../domain/catalog/scorecard-view.js');
      const at = parseInstant(options.at, io);
      const { catalog } = await loadDocuments([options.catalog], io);
      const policy =
        options.policy === undefined
          ? undefined
          : await loadPolicy(options.catalog, options.policy, catalog, io);
      const weights = policy?.weights ?? EQUAL_WEIGHTS;
      const cards = rankProviders(catalog, weights, at);
      if (options.json) {
        const json = {
          at: at.toISOString(),
          policy: policy?.name ?? null,
          weights,
          providers: cards.map(toScorecardView),
        };
        io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        io.stdout(renderComparison(cards, weights, CRITERIA));
        io.stdout(`\nWeights: ${policy ? `policy ${policy.name}` : 'all 1 (no --policy)'}; `);
        io.stdout('total = Σ weight × score / Σ weight, on 0–5.\n');
        for (const card of cards) io.stdout(`\n${renderEvidence(card, CRITERIA)}`);
      }
      setExit(ExitCode.ok);
    });
}

/** The one Policy of the policy file, read together with the catalog (its `prefer` names the catalog's sites). */
async function loadPolicy(catalogFile: string, policyFile: string, catalog: Catalog, io: CliIo) {
  const own = new Set(catalog.policies.map((p) => p.name));
  const policies = (await loadDocuments([catalogFile, policyFile], io)).catalog.policies.filter(
    (p) => !own.has(p.name),
  );
  const [policy, ...others] = policies;
  if (policy === undefined || others.length > 0) {
    throw new CliExit(
      ExitCode.usage,
      `--policy ${policyFile}: expected one Policy document, found ${policies.length}`,
    );
  }
  return policy;
}

/** The six criteria in the checklist's order (from the catalog schema, loaded with the command). */
type Criteria = readonly (keyof CriterionWeights)[];

function renderComparison(
  cards: readonly ProviderScorecard[],
  weights: CriterionWeights,
  CRITERIA: Criteria,
): string {
  const rows = CRITERIA.map((c) => [
    c,
    String(weights[c]),
    ...cards.map((card) => describeCell(card.criteria[c])),
  ]);
  rows.push(['total', '', ...cards.map((card) => card.total.toFixed(2))]);
  return renderTable(['criterion', 'weight', ...cards.map((card) => card.name)], rows);
}

/** `4/5 (62 d)`, `2/5 stale (402 d)` or `open`. */
export function describeCell(score: CriterionScore): string {
  if (score.status === 'open') return 'open';
  const stale = score.status === 'stale' ? ' stale' : '';
  return `${score.score}/5${stale} (${score.ageDays} d)`;
}

function renderEvidence(card: ProviderScorecard, CRITERIA: Criteria): string {
  const lines = [`${card.name} (${card.legalName}): ${card.total.toFixed(2)}/5`];
  for (const criterion of CRITERIA) {
    const s = card.criteria[criterion];
    const dated = s.asOf === null ? '' : `, answer of ${s.asOf}`;
    lines.push(`  ${criterion}: ${describeCell(s)}${dated}`);
    for (const link of s.evidence) lines.push(`    evidence: ${link}`);
    const missing = s.reasons.filter((r) => r.points <= 0).map((r) => r.message);
    if (missing.length > 0 && s.status !== 'open') lines.push(`    missing: ${missing.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
