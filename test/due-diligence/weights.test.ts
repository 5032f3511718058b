import { describe, expect, it } from 'vitest';
import { EQUAL_WEIGHTS, rankProviders, weighScores } from '../../src/domain/catalog/rank-providers.js';
import { scoreDossier } from '../../src/domain/catalog/score-dossier.js';
import { AT, FULL_DOSSIER, makeCatalog, makeProvider, makeSite } from './build.js';

// "secure" has every certification but charges egress; "open" lets you leave freely but holds no certificate.
const secure = makeProvider({
  name: 'secure',
  dossier: {
    ...FULL_DOSSIER,
    exit: { ...FULL_DOSSIER.exit!, egressFree: false, noticeDays: 365, standardApis: [], exportFormats: [] },
  },
});
const open = makeProvider({
  name: 'open',
  dossier: { ...FULL_DOSSIER, compliance: { ...FULL_DOSSIER.compliance!, gdpr: false } },
});
const catalog = makeCatalog(
  [secure, open],
  [makeSite({ provider: 'secure' }), makeSite({ name: 'open-1', provider: 'open', certifications: [] })],
);

describe('weights', () => {
  it('make the total the weighted mean of the criteria scores', () => {
    const scores = scoreDossier(secure, [makeSite({ provider: 'secure' })], AT);
    expect(scores.exit.score).toBe(1);
    expect(weighScores(scores, EQUAL_WEIGHTS)).toBe(4.33);
    expect(weighScores(scores, { ...EQUAL_WEIGHTS, exit: 4 })).toBe(3.22);
  });

  it('give 0 when every weight is 0', () => {
    const zero = { infrastructure: 0, partners: 0, exit: 0, compliance: 0, scalability: 0, pricing: 0 };
    expect(weighScores(scoreDossier(secure, [], AT), zero)).toBe(0);
  });

  it('change the ranking: compliance first puts the certified provider ahead, exit first the other', () => {
    const compliance = rankProviders(catalog, { ...EQUAL_WEIGHTS, compliance: 5 }, AT);
    const exit = rankProviders(catalog, { ...EQUAL_WEIGHTS, exit: 5 }, AT);
    expect(compliance.map((c) => c.name)).toEqual(['secure', 'open']);
    expect(exit.map((c) => c.name)).toEqual(['open', 'secure']);
    expect(compliance[0]!.total).toBeGreaterThan(compliance[1]!.total);
  });

  it('break equal totals by name', () => {
    const twin = makeProvider({ name: 'alpha' });
    const same = makeCatalog([makeProvider({ name: 'beta' }), twin], []);
    expect(rankProviders(same, EQUAL_WEIGHTS, AT).map((c) => c.name)).toEqual(['alpha', 'beta']);
  });
});
