import { describe, expect, it } from 'vitest';
import { placeJob } from '../../src/domain/placement/place-job.js';
import { mergeConstraints } from '../../src/domain/policy/merge-constraints.js';
import { estimateCost } from '../../src/domain/placement/estimate-run.js';
import { formatMoney, roundToMinorUnit } from '../../src/domain/money/money.js';
import { readDocuments } from '../../src/app/read-documents.js';
import { readInputFiles } from '../../src/cli/read-input-files.js';
import { jobYaml, readValidSpec } from '../support/read-text.js';

const AT = new Date('2026-11-27T09:00:00Z');
const { catalog } = readDocuments(
  readInputFiles(
    ['examples/federation.yaml', 'examples/policies/clinic.yaml', 'examples/policies/startup.yaml'],
    { cwd: process.cwd() },
  ),
);
const clinic = catalog.policies.find((p) => p.name === 'clinic');
const startup = catalog.policies.find((p) => p.name === 'startup');
const l40sForCarbon = readValidSpec(
  jobYaml(
    'duration: 2h\ndata: { classification: internal }\nplacement: { objective: carbon }',
    'gpus: 1, gpuModels: [L40S]',
  ),
);

describe('prefer: own machines first, burst elsewhere', () => {
  it('ranks a feasible preferred site first even when another scores better', () => {
    const without = placeJob({ job: l40sForCarbon, policy: undefined, catalog, at: AT });
    expect(without.decision?.site).not.toBe('local');
    const withPolicy = placeJob({ job: l40sForCarbon, policy: clinic, catalog, at: AT });
    expect(withPolicy.decision).toMatchObject({ site: 'local', isPreferred: true });
  });

  it('bursts elsewhere when the preferred site cannot start within the wait', () => {
    const busy = new Map([['local', { freeGpusPerNode: { L40S: [0] }, estimatedWaitSeconds: 3_600 }]]);
    const result = placeJob({ job: l40sForCarbon, policy: clinic, catalog, at: AT, load: busy });
    expect(result.decision?.site).not.toBe('local');
    expect(result.ranked.find((o) => o.site === 'local')?.expectedStartSeconds).toBe(3_600);
  });

  it('keeps the preferred site when it starts within the wait', () => {
    const soon = new Map([['local', { freeGpusPerNode: { L40S: [0] }, estimatedWaitSeconds: 600 }]]);
    const result = placeJob({ job: l40sForCarbon, policy: clinic, catalog, at: AT, load: soon });
    expect(result.decision?.site).toBe('local');
  });

  it('ranks by expected start when the objective is time', () => {
    const job = readValidSpec(jobYaml('placement: { objective: time }', 'gpus: 1, gpuModels: [L4]'));
    const busy = new Map([['ovh-gra', { freeGpusPerNode: {}, estimatedWaitSeconds: 7_200 }]]);
    const result = placeJob({ job, policy: undefined, catalog, at: AT, load: busy });
    expect(result.decision?.site).toBe('scaleway-par-2');
    expect(result.ranked.map((o) => o.score)).toEqual([3_600, 3_600 + 7_200]);
  });
});

describe('merging a job with its tenant policy', () => {
  const job = readValidSpec(
    jobYaml(
      'data: { classification: health, residency: [FR, DE] }\nplacement: { sites: [local, ovh-gra], maxPricePerGpuHour: "3 EUR" }',
    ),
  );

  it('intersects residency, adds certifications, keeps every cap and takes prefer from the policy', () => {
    const merged = mergeConstraints(job, clinic);
    expect(merged.residency).toEqual({ kind: 'countries', countries: ['DE', 'FR'] });
    expect(merged.certifications).toEqual(['HDS']);
    expect(merged.sourcedCertifications[0]?.source).toContain('health data');
    expect(merged.maxPricesPerGpuHour.map(formatMoney)).toEqual(['3 EUR', '4 EUR']);
    expect(merged.prefer).toEqual(['local']);
    expect(merged.preferSource).toBe('policy clinic');
    expect(merged.maxWaitForPreferred).toBe(1_800);
    expect(merged.jurisdictionSources).toEqual(['policy clinic']);
  });

  it('takes the objective from the spec when written, else the policy, else cost', () => {
    expect(mergeConstraints(l40sForCarbon, startup).objective).toBe('carbon');
    expect(
      mergeConstraints(job, { ...(startup as NonNullable<typeof startup>), objective: 'time' }),
    ).toMatchObject({
      objective: 'time',
      objectiveSource: 'policy startup',
    });
    expect(mergeConstraints(job, undefined)).toMatchObject({ objective: 'cost', objectiveSource: 'default' });
  });

  it('intersects the site allow-lists of the spec and the policy', () => {
    const merged = mergeConstraints(job, {
      ...(clinic as NonNullable<typeof clinic>),
      sites: ['ovh-gra', 'ovh-snc'],
    });
    expect(merged.sites).toEqual(['ovh-gra']);
  });
});

describe('the cost estimate', () => {
  it('is exact and rounds half to even only for display', () => {
    const price = { amount: { coefficient: 316635n, scale: 5 }, currency: 'EUR' };
    const cost = estimateCost(price, 8_000, 2, 48 * 3_600);
    expect(formatMoney(roundToMinorUnit(cost))).toBe('2431.76 EUR');
    expect(formatMoney(roundToMinorUnit(estimateCost(price, 250, 1, 300)))).toBe('0.07 EUR');
  });
});
