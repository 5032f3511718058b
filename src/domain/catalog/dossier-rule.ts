import type { Provider, Site } from './catalog.js';
import type { Criterion, DossierDocument } from './schema.js';

/**
 * One rule of the due-diligence scorecard: it gives one point to a criterion's answer or
 * withholds it, and says what it found either way. Five rules per criterion make the 0–5 scale.
 */
export interface DossierRule<C extends Criterion = Criterion> {
  /** `criterion.rule`, stable: the JSON output and the questionnaire use it. */
  readonly id: string;
  /** What earns the point, as docs/due-diligence.md states it. */
  readonly summary: string;
  readonly check: (answer: DossierAnswer<C>, context: RuleContext) => RuleOutcome;
}

export type DossierAnswer<C extends Criterion> = NonNullable<DossierDocument[C]>;

export interface RuleContext {
  readonly provider: Provider;
  /** The catalog's sites of this provider. */
  readonly sites: readonly Site[];
  /** The decision instant: certifications are valid or expired at it. */
  readonly at: Date;
}

export interface RuleOutcome {
  readonly met: boolean;
  /** What the rule found, whether it gave its point or withheld it. */
  readonly message: string;
}

/** The first rule of every criterion: an answer without proof earns less. */
export function requireEvidence<C extends Criterion>(criterion: C): DossierRule<C> {
  return {
    id: `${criterion}.evidence`,
    summary: 'at least one piece of evidence is attached (`evidence`)',
    check: (answer) => {
      const count = (answer.evidence ?? []).length;
      return count > 0 ? grant(`${count} piece(s) of evidence`) : withhold('no evidence attached');
    },
  };
}

export function grant(message: string): RuleOutcome {
  return { met: true, message };
}

export function withhold(message: string): RuleOutcome {
  return { met: false, message };
}

export function joinNames(items: readonly string[] | undefined): string {
  return (items ?? []).join(', ');
}

export function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}
