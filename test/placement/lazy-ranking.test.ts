import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/app/read-documents.js';
import { readInputFiles } from '../../src/cli/read-input-files.js';
import { buildDecisionContext } from '../../src/domain/placement/decision-context.js';
import { placeJob } from '../../src/domain/placement/place-job.js';
import { prepareCatalog } from '../../src/domain/placement/prepare-catalog.js';
import { compareAmounts } from '../../src/domain/placement/compare-amounts.js';
import { costKeyOf, sortRankEntries } from '../../src/domain/placement/rank-options.js';
import { rankTableOf, rejectedOf, scanSites } from '../../src/domain/placement/scan-sites.js';
import { mergeConstraints } from '../../src/domain/policy/merge-constraints.js';
import { jobYaml, readValidSpec } from '../support/read-text.js';
import { arbitraryCase, DECISION_AT } from './arbitraries.js';

const cases = arbitraryCase;

describe('the decision is selected during the scan, the ranking sorted when read', () => {
  it('the selected best equals the first of the eager full sort, and is ranked[0]', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        const prepared = prepareCatalog(catalog);
        const constraints = mergeConstraints(job, policy);
        const context = buildDecisionContext(job, constraints, prepared, DECISION_AT, load);
        const scan = scanSites(context);
        const table = rankTableOf(scan, context);
        const order = sortRankEntries(table, context.rank);
        expect(order.length).toBe(scan.feasibleCount);
        const first = order[0];
        if (first === undefined) {
          expect(scan.bestSite).toBe(-1);
        } else {
          expect(table.candidate[first]).toBe(scan.outcome[scan.bestSite]);
          expect(table.tier[first]).toBe(scan.bestTier);
          expect(table.startSeconds[first]).toBe(scan.bestStart);
          expect(table.billedSeconds[first]).toBe(scan.bestBilled);
        }
        const { sites } = rejectedOf(scan);
        expect(sites.length + scan.feasibleCount).toBe(catalog.sites.length);
        const result = placeJob({ job, policy, catalog: prepared, at: DECISION_AT, load });
        expect(result.feasible).toBe(first !== undefined);
        expect(result.ranked.length).toBe(order.length);
        if (result.decision) expect(result.ranked[0]).toBe(result.decision);
      }),
      { numRuns: 500 },
    );
  });

  it('reading rejected before ranked, or ranked before rejected, gives the same result', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        const prepared = prepareCatalog(catalog);
        const a = placeJob({ job, policy, catalog: prepared, at: DECISION_AT, load });
        const b = placeJob({ job, policy, catalog: prepared, at: DECISION_AT, load });
        const rejectedFirst = b.rejected.map((r) => ({ site: r.site, codes: r.reasons.map((x) => x.code) }));
        const rankedA = a.ranked;
        expect(b.ranked).toEqual(rankedA);
        expect(a.rejected.map((r) => ({ site: r.site, codes: r.reasons.map((x) => x.code) }))).toEqual(
          rejectedFirst,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the expected starts of the decision instant: a load changed later does not change the ranking', () => {
    fc.assert(
      fc.property(cases, ({ catalog, job, policy, load }) => {
        if (load === undefined) return;
        const live = new Map(load);
        const result = placeJob({ job, policy, catalog, at: DECISION_AT, load: live });
        live.clear();
        const again = placeJob({ job, policy, catalog, at: DECISION_AT, load });
        expect(result.ranked).toEqual(again.ranked);
      }),
      { numRuns: 200 },
    );
  });

  it('orders costs of equal billed seconds by price alone, as the exact cost keys do', () => {
    const amount = fc.record({
      coefficient: fc.bigInt({ min: 0n, max: 10n ** 20n }),
      scale: fc.integer({ min: 0, max: 14 }),
    });
    fc.assert(
      fc.property(amount, amount, fc.integer({ min: 0, max: 10 ** 7 }), (a, b, billed) => {
        const pa = { amount: a, currency: 'EUR' };
        const pb = { amount: b, currency: 'EUR' };
        const byKey = Math.sign(compareAmounts(costKeyOf(pa, billed), costKeyOf(pb, billed)));
        const byPrice = billed === 0 ? 0 : Math.sign(compareAmounts(a, b));
        expect(byPrice).toBe(byKey);
      }),
    );
  });
});

describe('the constraint lines are written when first read', () => {
  const { catalog } = readDocuments(
    readInputFiles(['examples/policies/clinic.yaml'], { cwd: process.cwd() }),
  );
  const clinic = catalog.policies.find((p) => p.name === 'clinic');
  const job = readValidSpec(
    jobYaml(
      'data: { classification: health, residency: [FR, DE] }\nplacement: { sites: [local, ovh-gra], maxPricePerGpuHour: "3 EUR" }',
    ),
  );

  it('says the same lines, as an own enumerable property seen by spreading and JSON', () => {
    const merged = mergeConstraints(job, clinic);
    expect(Object.keys(merged)).toContain('origins');
    expect({ ...merged }.origins).toEqual(merged.origins);
    expect(merged.origins).toBe(merged.origins);
    expect(
      JSON.parse(JSON.stringify(merged, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).origins,
    ).toEqual(EXPECTED_ORIGINS);
  });
});

/** The lines as the eager merge wrote them before they were made lazy. */
const EXPECTED_ORIGINS = [
  'residency DE, FR (spec.data.residency; policy clinic)',
  'jurisdiction EU (policy clinic)',
  'certification HDS (health data (spec.data.classification))',
  'sites local, ovh-gra (spec.placement.sites)',
  'max price per GPU-hour 3 EUR (spec.placement.maxPricePerGpuHour)',
  'max price per GPU-hour 4 EUR (policy clinic)',
  'prefer local (policy clinic)',
  'objective cost (default)',
];
