import { isAnswerStale, isDatedLater, measureAgeDays, STALE_AFTER_MONTHS } from './answer-age.js';
import type { Provider, Site } from './catalog.js';
import type { DossierAnswer, DossierRule, RuleContext } from './dossier-rule.js';
import { MAX_CRITERION_SCORE, RULES } from './dossier-rules.js';
import { CRITERIA, type Criterion } from './schema.js';

/** A stale answer (older than twelve months) scores at most this. */
export const STALE_SCORE_CAP = 2;

/** `answered`: dated and fresh; `stale`: older than 12 months; `open`: missing, or dated after the instant. */
export type AnswerStatus = 'answered' | 'stale' | 'open';

/** One rule's part in a score: `points` sum to the score (the stale cap counts negative). */
export interface ScoreReason {
  readonly rule: string;
  readonly points: number;
  readonly message: string;
}

export interface CriterionScore {
  readonly criterion: Criterion;
  /** 0 to 5. */
  readonly score: number;
  readonly status: AnswerStatus;
  readonly answer: string | null;
  readonly asOf: string | null;
  /** Days from `asOf` to the decision instant; null when open. */
  readonly ageDays: number | null;
  readonly reasons: readonly ScoreReason[];
  readonly evidence: readonly string[];
  /** The rules that withheld their point: what a questionnaire asks about. */
  readonly withheld: readonly string[];
}

export type DossierScores = Readonly<Record<Criterion, CriterionScore>>;

/** Scores the six criteria of a provider's dossier at the decision instant. */
export function scoreDossier(provider: Provider, sites: readonly Site[], at: Date): DossierScores {
  const context: RuleContext = { provider, sites, at };
  const scores = {} as Record<Criterion, CriterionScore>;
  for (const criterion of CRITERIA) {
    scores[criterion] = scoreCriterion(criterion, context);
  }
  return scores;
}

function scoreCriterion<C extends Criterion>(criterion: C, context: RuleContext): CriterionScore {
  const answer: DossierAnswer<C> | undefined = context.provider.dossier[criterion];
  const rules: readonly DossierRule<C>[] = RULES[criterion];
  const everyRule = rules.map((r) => r.id);
  if (answer === undefined) {
    return openScore(criterion, everyRule, { rule: `${criterion}.answer`, points: 0, message: 'no answer' });
  }
  if (isDatedLater(answer.asOf, context.at)) {
    const message = `answer dated ${answer.asOf}, after the decision instant: not known then`;
    return openScore(criterion, everyRule, { rule: `${criterion}.answer`, points: 0, message });
  }
  const reasons: ScoreReason[] = rules.map((rule) => {
    const outcome = rule.check(answer, context);
    return { rule: rule.id, points: outcome.met ? 1 : 0, message: outcome.message };
  });
  const earned = reasons.reduce((sum, r) => sum + r.points, 0);
  const stale = isAnswerStale(answer.asOf, context.at);
  const ageDays = measureAgeDays(answer.asOf, context.at);
  if (stale) {
    reasons.push({
      rule: `${criterion}.stale`,
      points: Math.min(0, STALE_SCORE_CAP - earned),
      message: `answer of ${answer.asOf} is ${ageDays} days old, more than ${STALE_AFTER_MONTHS} months: capped at ${STALE_SCORE_CAP}`,
    });
  }
  return {
    criterion,
    score: Math.min(earned, stale ? STALE_SCORE_CAP : MAX_CRITERION_SCORE),
    status: stale ? 'stale' : 'answered',
    answer: answer.answer,
    asOf: answer.asOf,
    ageDays,
    reasons,
    evidence: answer.evidence ?? [],
    withheld: reasons.filter((r) => r.points === 0 && everyRule.includes(r.rule)).map((r) => r.rule),
  };
}

function openScore(criterion: Criterion, everyRule: readonly string[], reason: ScoreReason): CriterionScore {
  return {
    criterion,
    score: 0,
    status: 'open',
    answer: null,
    asOf: null,
    ageDays: null,
    reasons: [reason],
    evidence: [],
    withheld: everyRule,
  };
}
