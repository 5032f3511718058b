import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeJob } from '../../src/domain/placement/place-job.js';
import { toPlacementView } from '../../src/domain/placement/placement-view.js';
import { prepareCatalog } from '../../src/domain/placement/prepare-catalog.js';
import type { ReasonCode } from '../../src/domain/placement/rejection-reason.js';
import { arbitraryCase, DECISION_AT } from './arbitraries.js';
import { judgeSites, rankByBruteForce } from './brute-force.js';

const cases = arbitraryCase;
const RUNS = { numRuns: 1000 };

describe('placement over random catalogs, policies and jobs', () => {
  it('no decision ever violates a hard constraint', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        const result = placeJob({ job, policy, catalog, at: DECISION_AT, load });
        const verdicts = judgeSites(catalog, job, policy, DECISION_AT);
        for (const option of result.ranked) {
          const verdict = verdicts.find((v) => v.site.name === option.site);
          expect(verdict?.siteFailures.size).toBe(0);
          const way = verdict?.candidates.find(
            (k) =>
              k.row.gpuModel === option.gpuModel &&
              k.row.gpuMemoryGiB === option.gpuMemoryGiB &&
              k.offering.kind === option.offering &&
              k.offering.pricePerGpuHour === option.pricePerGpuHour,
          );
          expect(way?.failures.size).toBe(0);
        }
        expect(result.decision).toBe(result.ranked[0]);
      }),
      RUNS,
    );
  });

  it('every rejected site shows all its reasons and each reason is true', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy }) => {
        const result = placeJob({ job, policy, catalog, at: DECISION_AT });
        const verdicts = judgeSites(catalog, job, policy, DECISION_AT);
        for (const verdict of verdicts) {
          const rejection = result.rejected.find((r) => r.site === verdict.site.name);
          expect(rejection !== undefined).toBe(!verdict.isFeasible);
          if (!rejection) continue;
          const expected = new Set<ReasonCode>(verdict.siteFailures);
          if (verdict.candidates.length === 0) expected.add('GPU_MODEL');
          for (const k of verdict.candidates) k.failures.forEach((code) => expected.add(code));
          expect(new Set(rejection.reasons.map((r) => r.code))).toEqual(expected);
          for (const reason of rejection.reasons) expect(reason.message.length).toBeGreaterThan(10);
        }
      }),
      RUNS,
    );
  });

  it('an infeasible job gets every site rejected with at least one reason', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy }) => {
        const result = placeJob({ job, policy, catalog, at: DECISION_AT });
        if (result.feasible) return;
        expect(result.decision).toBeUndefined();
        expect(result.rejected.map((r) => r.site)).toEqual(catalog.sites.map((s) => s.name));
        for (const r of result.rejected) expect(r.reasons.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('the ranking equals a brute-force evaluation on small catalogs', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        const result = placeJob({ job, policy, catalog, at: DECISION_AT, load });
        const ranked = result.ranked.map((o) => ({
          site: o.site,
          gpuModel: o.gpuModel,
          offering: o.offering,
          gpuMemoryGiB: o.gpuMemoryGiB,
        }));
        expect(ranked).toEqual(rankByBruteForce(catalog, job, policy, DECISION_AT, load));
      }),
      RUNS,
    );
  });

  it('a prepared catalog decides exactly as the raw catalog', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        const prepared = prepareCatalog(catalog);
        placeJob({ job, policy, catalog: prepared, at: DECISION_AT, load });
        const fromPrepared = placeJob({ job, policy, catalog: prepared, at: DECISION_AT, load });
        const fromRaw = placeJob({ job, policy, catalog, at: DECISION_AT, load });
        expect(fromPrepared).toEqual(fromRaw);
        // The view reads every lazily built option, rejection and sentence.
        expect(toPlacementView(fromPrepared, job)).toEqual(toPlacementView(fromRaw, job));
      }),
      { numRuns: 100 },
    );
  });
});
