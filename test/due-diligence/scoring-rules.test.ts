import { describe, expect, it } from 'vitest';
import type { Provider, Site } from '../../src/domain/catalog/catalog.js';
import { RULES } from '../../src/domain/catalog/dossier-rules.js';
import { scoreDossier } from '../../src/domain/catalog/score-dossier.js';
import { CRITERIA, type Criterion, type DossierDocument } from '../../src/domain/catalog/schema.js';
import { AT, FULL_DOSSIER, makeCertification, makeProvider, makeSite } from './build.js';

const SITES = [makeSite(), makeSite({ name: 'lille-1', city: 'Lille' })];

/** The full dossier with one criterion's answer changed. */
function change<C extends Criterion>(criterion: C, patch: Partial<NonNullable<DossierDocument[C]>>) {
  const answer = { ...FULL_DOSSIER[criterion], ...patch };
  return makeProvider({ dossier: { ...FULL_DOSSIER, [criterion]: answer } });
}

function pointsOf(rule: string, provider: Provider, sites: readonly Site[] = SITES): number | undefined {
  const criterion = rule.split('.')[0] as Criterion;
  return scoreDossier(provider, sites, AT)[criterion].reasons.find((r) => r.rule === rule)?.points;
}

describe('the scorecard rules', () => {
  it('give a complete, fresh dossier 5 out of 5 on every criterion', () => {
    const scores = scoreDossier(makeProvider(), SITES, AT);
    for (const criterion of CRITERIA) expect(scores[criterion].score, criterion).toBe(5);
  });

  it('have five rules per criterion whose points add up to the score', () => {
    const scores = scoreDossier(change('exit', { egressFree: false }), SITES, AT);
    for (const criterion of CRITERIA) {
      expect(RULES[criterion]).toHaveLength(5);
      expect(scores[criterion].reasons.reduce((sum, r) => sum + r.points, 0)).toBe(scores[criterion].score);
    }
    expect(scores.exit.score).toBe(4);
  });

  it('withhold the evidence point of an answer without evidence', () => {
    for (const criterion of CRITERIA) {
      expect(pointsOf(`${criterion}.evidence`, change(criterion, { evidence: [] }))).toBe(0);
    }
  });

  describe('infrastructure', () => {
    it('counts the catalog sites as locations when none are named', () => {
      expect(pointsOf('infrastructure.locations', change('infrastructure', { locations: undefined }))).toBe(
        1,
      );
      expect(
        pointsOf('infrastructure.locations', change('infrastructure', { locations: undefined }), []),
      ).toBe(0);
    });
    it('wants two distinct locations', () => {
      const one = change('infrastructure', { locations: ['Paris, FR'] });
      expect(pointsOf('infrastructure.several-locations', one, [makeSite()])).toBe(0);
      expect(pointsOf('infrastructure.several-locations', one, SITES)).toBe(1);
    });
    it('withholds the EU point when a site lies outside the EU', () => {
      const us = makeSite({ name: 'us-1', country: 'US', city: 'Dallas' });
      expect(pointsOf('infrastructure.eu-sites', makeProvider(), [makeSite(), us])).toBe(0);
      expect(pointsOf('infrastructure.eu-sites', makeProvider(), [])).toBe(0);
    });
    it('wants the redundancy described', () => {
      expect(pointsOf('infrastructure.redundancy', change('infrastructure', { redundancy: undefined }))).toBe(
        0,
      );
    });
  });

  describe('partners', () => {
    it('wants the operator named', () => {
      expect(pointsOf('partners.operator', change('partners', { operator: undefined }))).toBe(0);
    });
    it('counts an empty subcontractor list as a disclosure, a missing one not', () => {
      expect(pointsOf('partners.subcontractors', change('partners', { subcontractors: [] }))).toBe(1);
      expect(pointsOf('partners.subcontractors', change('partners', { subcontractors: undefined }))).toBe(0);
    });
    it('withholds a point from a provider seated outside the EU', () => {
      expect(pointsOf('partners.eu-operator', makeProvider({ jurisdiction: 'CH' }))).toBe(0);
    });
    it('withholds a point from a provider with a US parent', () => {
      const provider = makeProvider({ parents: [{ name: 'Big Corp Inc.', jurisdiction: 'US' }] });
      expect(pointsOf('partners.eu-parents', provider)).toBe(0);
      expect(
        pointsOf('partners.eu-parents', makeProvider({ parents: [{ name: 'H', jurisdiction: 'DE' }] })),
      ).toBe(1);
    });
  });

  describe('exit', () => {
    it('wants export formats named', () => {
      expect(pointsOf('exit.export-formats', change('exit', { exportFormats: [] }))).toBe(0);
    });
    it('gives the egress point only to a stated free egress', () => {
      expect(pointsOf('exit.egress-free', change('exit', { egressFree: false }))).toBe(0);
      expect(pointsOf('exit.egress-free', change('exit', { egressFree: undefined }))).toBe(0);
    });
    it('recognises a standard interface among the export formats too', () => {
      expect(
        pointsOf(
          'exit.standard-apis',
          change('exit', { standardApis: ['ProprietaryAPI'], exportFormats: ['Parquet'] }),
        ),
      ).toBe(0);
      const viaFormats = change('exit', { standardApis: undefined, exportFormats: ['s3'] });
      expect(pointsOf('exit.standard-apis', viaFormats)).toBe(1);
    });
    it('wants a notice of at most 90 days', () => {
      expect(pointsOf('exit.notice', change('exit', { noticeDays: 90 }))).toBe(1);
      expect(pointsOf('exit.notice', change('exit', { noticeDays: 180 }))).toBe(0);
      expect(pointsOf('exit.notice', change('exit', { noticeDays: undefined }))).toBe(0);
    });
  });

  describe('compliance', () => {
    it('wants GDPR and AI Act statements', () => {
      expect(pointsOf('compliance.gdpr', change('compliance', { gdpr: false }))).toBe(0);
      expect(pointsOf('compliance.ai-act', change('compliance', { aiAct: undefined }))).toBe(0);
    });
    it('loses a point when one of the sites’ certifications has expired at the instant', () => {
      const sites = [
        makeSite({
          certifications: [
            makeCertification('HDS', '2028-06-30'),
            makeCertification('ISO27001', '2026-11-26'),
          ],
        }),
      ];
      const scores = scoreDossier(makeProvider(), sites, AT);
      expect(scores.compliance.score).toBe(4);
      expect(pointsOf('compliance.none-expired', makeProvider(), sites)).toBe(0);
      expect(pointsOf('compliance.valid-certification', makeProvider(), sites)).toBe(1);
    });
    it('loses two points when its only certification has expired', () => {
      const sites = [makeSite({ certifications: [makeCertification('HDS', '2026-11-26')] })];
      expect(scoreDossier(makeProvider(), sites, AT).compliance.score).toBe(3);
    });
    it('counts a certification through its expiry day', () => {
      const sites = [makeSite({ certifications: [makeCertification('HDS', '2026-11-27')] })];
      expect(scoreDossier(makeProvider(), sites, AT).compliance.score).toBe(5);
    });
    it('does not count certifications only claimed in the dossier', () => {
      expect(
        pointsOf('compliance.valid-certification', makeProvider(), [makeSite({ certifications: [] })]),
      ).toBe(0);
    });
  });

  describe('scalability', () => {
    it('wants the GPU generations listed, two or more, one of them recent', () => {
      expect(pointsOf('scalability.generations', change('scalability', { gpuGenerations: [] }))).toBe(0);
      const h100 = change('scalability', { gpuGenerations: ['H100'] });
      expect(pointsOf('scalability.several-generations', h100)).toBe(0);
      expect(pointsOf('scalability.recent-generation', h100)).toBe(0);
      expect(
        pointsOf('scalability.recent-generation', change('scalability', { gpuGenerations: ['b200'] })),
      ).toBe(1);
    });
    it('reads capacity on demand from the sites’ offerings when not stated', () => {
      const unstated = change('scalability', { onDemand: undefined });
      expect(pointsOf('scalability.on-demand', unstated)).toBe(1);
      const committedOnly = makeSite({ offerings: [{ ...makeSite().offerings[0]!, kind: 'committed' }] });
      expect(pointsOf('scalability.on-demand', unstated, [committedOnly])).toBe(0);
      expect(pointsOf('scalability.on-demand', change('scalability', { onDemand: false }))).toBe(0);
    });
  });

  describe('pricing', () => {
    it('wants the models stated, pay-per-use among them', () => {
      expect(pointsOf('pricing.models', change('pricing', { models: [] }))).toBe(0);
      expect(pointsOf('pricing.pay-per-use', change('pricing', { models: ['committed'] }))).toBe(0);
      expect(pointsOf('pricing.pay-per-use', change('pricing', { models: ['On-Demand'] }))).toBe(1);
    });
    it('wants exit clauses and SLA credits', () => {
      expect(pointsOf('pricing.exit-clauses', change('pricing', { exitClauses: undefined }))).toBe(0);
      expect(pointsOf('pricing.sla-credits', change('pricing', { slaCredits: false }))).toBe(0);
    });
  });

  it('scores a missing criterion 0 and open', () => {
    const { pricing: _, ...dossier } = FULL_DOSSIER;
    const score = scoreDossier(makeProvider({ dossier }), SITES, AT).pricing;
    expect(score).toMatchObject({ score: 0, status: 'open', ageDays: null, asOf: null, evidence: [] });
  });
});
