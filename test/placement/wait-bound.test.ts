import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/app/read-documents.js';
import { readInputFiles } from '../../src/cli/read-input-files.js';
import { placeJob } from '../../src/domain/placement/place-job.js';
import { jobYaml, readText, readValidSpec } from '../support/read-text.js';

const AT = new Date('2026-11-27T09:00:00Z');
const { catalog } = readDocuments(
  readInputFiles(['examples/federation.yaml', 'examples/policies/clinic.yaml'], process.cwd()),
);
const clinic = catalog.policies.find((p) => p.name === 'clinic')!;
const oneMinute = { ...clinic, maxWaitForPreferred: 60 };
const L40S = 'gpus: 1, gpuModels: [L40S]';
const localFull = new Map([['local', { freeGpusPerNode: { L40S: [0, 0] }, estimatedWaitSeconds: 197 }]]);

describe('the wait bound: a site that cannot start the job in time is not chosen over one that can', () => {
  it('does not choose a full preferred site (0 EUR) when others fit now: prefer [local], maxWaitForPreferred 1m', () => {
    const job = readValidSpec(jobYaml('duration: 1h', L40S));
    const result = placeJob({ job, policy: oneMinute, catalog, at: AT, load: localFull });
    expect(result.decision?.site).not.toBe('local');
    expect(result.decision?.expectedStartSeconds).toBe(0);
    const local = result.ranked.find((o) => o.site === 'local');
    expect(local).toMatchObject({ isPreferred: false, isLate: true, expectedStartSeconds: 197 });
    expect(result.ranked.at(-1)?.site).toBe('local');
  });

  it('keeps the full preferred site when no other site can start sooner than the bound either', () => {
    const job = readValidSpec(jobYaml('duration: 1h', L40S));
    const allBusy = new Map(
      catalog.sites.map((s) => [
        s.name,
        { freeGpusPerNode: {}, estimatedWaitSeconds: s.name === 'local' ? 197 : 900 },
      ]),
    );
    const result = placeJob({ job, policy: oneMinute, catalog, at: AT, load: allBusy });
    expect(result.decision?.site).toBe('local');
  });

  it('applies spec.placement.maxWait to every site: the cheapest, busy for an hour, loses to one free now', () => {
    const cheap = readValidSpec(jobYaml('duration: 1h', 'gpus: 1, gpuModels: [L4]'));
    const busy = new Map([['ovh-gra', { freeGpusPerNode: {}, estimatedWaitSeconds: 3_600 }]]);
    expect(placeJob({ job: cheap, policy: undefined, catalog, at: AT, load: busy }).decision?.site).toBe(
      'ovh-gra',
    );
    const bounded = readValidSpec(
      jobYaml('duration: 1h\nplacement: { maxWait: 10m }', 'gpus: 1, gpuModels: [L4]'),
    );
    expect(bounded.constraints.maxWait).toBe(600);
    const result = placeJob({ job: bounded, policy: undefined, catalog, at: AT, load: busy });
    expect(result.decision?.site).not.toBe('ovh-gra');
    expect(result.ranked.find((o) => o.site === 'ovh-gra')?.isLate).toBe(true);
  });

  it('treats a site the job already waited at past its bound as late, whatever its load says', () => {
    const job = readValidSpec(jobYaml('duration: 1h', L40S));
    const result = placeJob({ job, policy: oneMinute, catalog, at: AT, lateSites: new Set(['local']) });
    expect(result.decision?.site).not.toBe('local');
  });

  it('refuses a maxWait that is not a positive duration, naming the field', () => {
    const { diagnostics } = readText(jobYaml('placement: { maxWait: 0s }'));
    expect(diagnostics.map((d) => `${d.path}: ${d.message}`)).toContainEqual(
      expect.stringMatching(/^spec\.placement\.maxWait: must be longer than zero/),
    );
  });
});
