import { describe, expect, it } from 'vitest';
import { isAnswerStale, measureAgeDays } from '../../src/domain/catalog/answer-age.js';
import { scoreDossier, STALE_SCORE_CAP } from '../../src/domain/catalog/score-dossier.js';
import { FULL_DOSSIER, makeProvider, makeSite } from './build.js';

const AT = new Date('2026-11-27T10:00:00Z');

function scoreExitDatedAt(asOf: string, at = AT) {
  const dossier = { ...FULL_DOSSIER, exit: { ...FULL_DOSSIER.exit!, asOf } };
  return scoreDossier(makeProvider({ dossier }), [makeSite()], at).exit;
}

describe('staleness at the decision instant', () => {
  it('counts an answer 13 months old as stale', () => {
    expect(isAnswerStale('2025-10-27', AT)).toBe(true);
    expect(scoreExitDatedAt('2025-10-27').status).toBe('stale');
  });

  it('counts an answer 11 months old as fresh', () => {
    expect(isAnswerStale('2025-12-27', AT)).toBe(false);
    expect(scoreExitDatedAt('2025-12-27')).toMatchObject({ status: 'answered', score: 5 });
  });

  it('keeps an answer fresh through its anniversary day and stale from the next', () => {
    expect(isAnswerStale('2025-11-27', AT)).toBe(false);
    expect(isAnswerStale('2025-11-26', AT)).toBe(true);
    expect(isAnswerStale('2025-11-27', new Date('2026-11-28T00:00:00Z'))).toBe(true);
  });

  it('caps a stale answer at 2 and says so in a reason with negative points', () => {
    const score = scoreExitDatedAt('2025-06-01');
    expect(score.score).toBe(STALE_SCORE_CAP);
    const cap = score.reasons.find((r) => r.rule === 'exit.stale');
    expect(cap?.points).toBe(-3);
    expect(score.reasons.reduce((sum, r) => sum + r.points, 0)).toBe(2);
  });

  it('gives the age in whole days from the answer date to the instant', () => {
    expect(measureAgeDays('2026-11-27', AT)).toBe(0);
    expect(measureAgeDays('2026-09-26', AT)).toBe(62);
    expect(scoreExitDatedAt('2026-09-26').ageDays).toBe(62);
  });

  it('judges the same answer fresh or stale depending on the injected instant', () => {
    expect(scoreExitDatedAt('2025-10-21', new Date('2026-10-01T00:00:00Z')).status).toBe('answered');
    expect(scoreExitDatedAt('2025-10-21', new Date('2026-11-01T00:00:00Z')).status).toBe('stale');
  });

  it('treats an answer dated after the instant as open: it was not known then', () => {
    expect(scoreExitDatedAt('2026-12-01')).toMatchObject({ status: 'open', score: 0, ageDays: null });
  });
});
