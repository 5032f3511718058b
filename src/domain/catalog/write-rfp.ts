import {
  CRITERION_QUESTIONS,
  RFP_WORDING,
  RULE_QUESTIONS,
  type Language,
  type Wording,
} from './questionnaire.js';
import type { ProviderScorecard } from './rank-providers.js';
import type { AnswerStatus } from './score-dossier.js';
import { CRITERIA, type Criterion } from './schema.js';

/** One criterion's part of the questionnaire: why it is asked, and which questions. */
export interface RfpSection {
  readonly criterion: Criterion;
  readonly status: AnswerStatus;
  readonly asOf: string | null;
  readonly ageDays: number | null;
  readonly answer: string | null;
  /** The criterion's name (its main question) and rule ids, in the order asked. */
  readonly questions: readonly string[];
}

/**
 * What to ask a provider: every question of a criterion left open or stale, and for an
 * answered criterion the sub-questions of the rules that withheld their point.
 */
export function listRfpSections(card: ProviderScorecard): RfpSection[] {
  const sections: RfpSection[] = [];
  for (const criterion of CRITERIA) {
    const score = card.criteria[criterion];
    const evidenceRule = `${criterion}.evidence`;
    const questions =
      score.status === 'answered'
        ? score.withheld
        : [criterion, ...score.withheld.filter((rule) => rule !== evidenceRule)];
    if (questions.length === 0) continue;
    const { status, asOf, ageDays, answer } = score;
    sections.push({ criterion, status, asOf, ageDays, answer, questions });
  }
  return sections;
}

/** The questionnaire in Markdown, ready to send with a call for tenders. */
export function writeRfp(card: ProviderScorecard, language: Language, at: Date): string {
  const say = (wording: Wording, values: Readonly<Record<string, string | number>> = {}) =>
    wording[language].replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
  const colon = language === 'fr' ? ' :' : ':';
  const lines = [`# ${say(RFP_WORDING.title)} — ${card.legalName}`, ''];
  lines.push(say(RFP_WORDING.intro, { legalName: card.legalName, date: writeDate(at, language) }), '');
  const sections = listRfpSections(card);
  if (sections.length === 0) return [...lines, say(RFP_WORDING.complete), ''].join('\n');
  lines.push(say(RFP_WORDING.instructions), '');
  let number = 0;
  sections.forEach((section, index) => {
    const texts = CRITERION_QUESTIONS[section.criterion];
    lines.push(`## ${index + 1}. ${say(texts.title)}`, '');
    const asOf = section.asOf === null ? '' : writeDate(dateOf(section.asOf), language);
    if (section.status === 'open') lines.push(`*${say(RFP_WORDING.open)}*`, '');
    if (section.status === 'stale')
      lines.push(`*${say(RFP_WORDING.stale, { asOf, ageDays: section.ageDays ?? 0 })}*`, '');
    if (section.status === 'answered') lines.push(`*${say(RFP_WORDING.partial, { asOf })}*`, '');
    if (section.answer !== null) {
      lines.push(`> **${say(RFP_WORDING.current)}${colon}** ${section.answer.replace(/\n/g, '\n> ')}`, '');
    }
    for (const key of section.questions) {
      const wording = key === section.criterion ? texts.question : RULE_QUESTIONS[key];
      if (wording !== undefined) lines.push(`${++number}. ${say(wording)}`);
    }
    lines.push('', `**${say(RFP_WORDING.evidence)}${colon}** ${say(texts.evidence)}`, '');
  });
  return lines.join('\n');
}

const MONTHS: Readonly<Record<Language, readonly string[]>> = {
  en: 'January February March April May June July August September October November December'.split(' '),
  fr: 'janvier février mars avril mai juin juillet août septembre octobre novembre décembre'.split(' '),
};

/** `27 November 2026`, `1er octobre 2026` (UTC). */
export function writeDate(at: Date, language: Language): string {
  const day = at.getUTCDate();
  const month = MONTHS[language][at.getUTCMonth()] ?? '';
  return `${language === 'fr' && day === 1 ? '1er' : day} ${month} ${at.getUTCFullYear()}`;
}

function dateOf(asOf: string): Date {
  return new Date(`${asOf}T00:00:00Z`);
}
