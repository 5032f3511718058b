import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/domain/catalog/dossier-rules.js';
import { CRITERION_QUESTIONS, LANGUAGES, RULE_QUESTIONS } from '../../src/domain/catalog/questionnaire.js';
import { EQUAL_WEIGHTS, scoreProvider } from '../../src/domain/catalog/rank-providers.js';
import { CRITERIA } from '../../src/domain/catalog/schema.js';
import { listRfpSections, writeDate, writeRfp } from '../../src/domain/catalog/write-rfp.js';
import { AT, FULL_DOSSIER, makeCatalog, makeProvider, makeSite } from './build.js';

// Partners open, scalability stale, exit answered without a notice period, the rest complete.
const { partners: _, ...rest } = FULL_DOSSIER;
const provider = makeProvider({
  legalName: 'Exemple Cloud SAS',
  dossier: {
    ...rest,
    scalability: { ...FULL_DOSSIER.scalability!, asOf: '2025-06-01' },
    exit: { ...FULL_DOSSIER.exit!, noticeDays: undefined },
  },
});
const card = scoreProvider(provider, makeCatalog([provider], [makeSite()]), EQUAL_WEIGHTS, AT);

describe('the questionnaire', () => {
  it('has every question in French and in English', () => {
    for (const language of LANGUAGES) {
      for (const criterion of CRITERIA) {
        const texts = CRITERION_QUESTIONS[criterion];
        for (const wording of [texts.title, texts.question, texts.evidence])
          expect(wording[language]).not.toBe('');
        for (const rule of RULES[criterion])
          expect(RULE_QUESTIONS[rule.id]?.[language], rule.id).toBeTruthy();
      }
    }
  });

  it('asks every question of an open criterion, the main question of a stale one, and only the missing points of an answered one', () => {
    const sections = listRfpSections(card);
    expect(sections.map((s) => [s.criterion, s.status, s.questions])).toEqual([
      [
        'partners',
        'open',
        [
          'partners',
          'partners.operator',
          'partners.subcontractors',
          'partners.eu-operator',
          'partners.eu-parents',
        ],
      ],
      ['exit', 'answered', ['exit.notice']],
      ['scalability', 'stale', ['scalability']],
    ]);
  });

  it('writes exactly those questions in English, numbered, with the evidence to attach', () => {
    const markdown = writeRfp(card, 'en', AT);
    expect(markdown).toMatch(/^# Due-diligence questionnaire — Exemple Cloud SAS\n/);
    expect(markdown).toContain('as of 27 November 2026');
    expect(countQuestions(markdown)).toBe(7);
    expect(markdown).toContain(`1. ${CRITERION_QUESTIONS.partners.question.en}`);
    expect(markdown).toContain(`6. ${RULE_QUESTIONS['exit.notice']!.en}`);
    expect(markdown).toContain(`7. ${CRITERION_QUESTIONS.scalability.question.en}`);
    expect(markdown).toContain('dates from 1 June 2025 (544 days ago)');
    expect(markdown).not.toContain(RULE_QUESTIONS['exit.egress-free']!.en);
    expect(markdown).not.toContain(CRITERION_QUESTIONS.pricing.title.en);
    expect(markdown.match(/\*\*Evidence to attach:\*\*/g)).toHaveLength(3);
  });

  it('writes the same questions in French', () => {
    const markdown = writeRfp(card, 'fr', AT);
    expect(markdown).toMatch(/^# Questionnaire de due diligence — Exemple Cloud SAS\n/);
    expect(markdown).toContain('au 27 novembre 2026');
    expect(countQuestions(markdown)).toBe(7);
    expect(markdown).toContain(`6. ${RULE_QUESTIONS['exit.notice']!.fr}`);
    expect(markdown).toContain('## 1. Exploitant et sous-traitants');
    expect(markdown).toContain('Nos informations datent du 1er juin 2025 (il y a 544 jours)');
    expect(markdown.match(/\*\*Justificatifs à joindre :\*\*/g)).toHaveLength(3);
  });

  it('says there is nothing to ask when the dossier answers everything', () => {
    const full = makeProvider();
    const complete = scoreProvider(full, makeCatalog([full], [makeSite()]), EQUAL_WEIGHTS, AT);
    expect(listRfpSections(complete)).toEqual([]);
    expect(writeRfp(complete, 'en', AT)).toContain('nothing to ask');
    expect(countQuestions(writeRfp(complete, 'fr', AT))).toBe(0);
  });

  it('writes dates the French way with 1er on the first day of a month', () => {
    expect(writeDate(new Date('2026-10-01T00:00:00Z'), 'fr')).toBe('1er octobre 2026');
    expect(writeDate(new Date('2026-08-15T00:00:00Z'), 'fr')).toBe('15 août 2026');
    expect(writeDate(new Date('2026-08-15T00:00:00Z'), 'en')).toBe('15 August 2026');
  });
});

function countQuestions(markdown: string): number {
  return markdown.split('\n').filter((line) => /^\d+\. /.test(line)).length;
}
