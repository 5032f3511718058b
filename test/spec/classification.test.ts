import { describe, expect, it } from 'vitest';
import { describeRegion } from '../../src/domain/geo/region.js';
import { jobYaml, readText, readValidSpec } from '../support/read-text.js';

const classified = (classification: string, extra = '') =>
  jobYaml(`data: { classification: ${classification}${extra} }`);

describe('data classification rules', () => {
  it('adds nothing for public and internal data', () => {
    for (const c of ['public', 'internal']) {
      const spec = readValidSpec(classified(c));
      expect(spec.constraints.residency.kind).toBe('any');
      expect(spec.constraints.certifications).toEqual([]);
    }
  });

  it('keeps personal data in the EEA', () => {
    const spec = readValidSpec(classified('personal'));
    expect(describeRegion(spec.constraints.residency)).toBe('EEA');
    expect(spec.constraints.origins.join()).toContain('personal data');
  });

  it('keeps health data in the EU on HDS-certified sites', () => {
    const spec = readValidSpec(classified('health'));
    expect(describeRegion(spec.constraints.residency)).toBe('EU');
    expect(spec.constraints.certifications).toEqual(['HDS']);
  });

  it('puts restricted data in the EU, under EU operators, on SecNumCloud sites', () => {
    const spec = readValidSpec(classified('restricted'));
    expect(describeRegion(spec.constraints.residency)).toBe('EU');
    expect(describeRegion(spec.constraints.jurisdiction)).toBe('EU');
    expect(spec.constraints.certifications).toEqual(['SecNumCloud']);
  });

  it('keeps a stricter explicit residency and adds the implied certification to explicit ones', () => {
    const spec = readValidSpec(
      jobYaml('data: { classification: health, residency: FR }\nplacement: { certifications: [ISO27001] }'),
    );
    expect(describeRegion(spec.constraints.residency)).toBe('FR');
    expect(spec.constraints.certifications).toEqual(['ISO27001', 'HDS']);
  });

  it('does not repeat a certification the spec already lists in another case', () => {
    const spec = readValidSpec(
      jobYaml('data: { classification: health }\nplacement: { certifications: [hds] }'),
    );
    expect(spec.constraints.certifications).toEqual(['hds']);
  });

  it.each([
    ['health', ', residency: any', 'spec.data.residency'],
    ['health', ', residency: [FR, CH]', 'spec.data.residency'],
    ['health', ', residency: EEA', 'spec.data.residency'],
    ['health', ', residency: NO', 'spec.data.residency'],
    ['personal', ', residency: US', 'spec.data.residency'],
    ['restricted', ', residency: any', 'spec.data.residency'],
  ])(
    'rejects %s data with an explicit contradicting residency (%s), naming both fields',
    (c, extra, path) => {
      const { diagnostics } = readText(classified(c, extra));
      expect(diagnostics.map((d) => d.path)).toEqual([path]);
      expect(diagnostics[0]?.message).toContain('spec.data.classification');
    },
  );

  it('accepts personal data in Norway (EEA, outside the EU)', () => {
    expect(readText(classified('personal', ', residency: NO')).diagnostics).toEqual([]);
  });

  it('rejects restricted data with jurisdiction any, naming both fields', () => {
    const { diagnostics } = readText(
      jobYaml('data: { classification: restricted }\nplacement: { jurisdiction: any }'),
    );
    expect(diagnostics.map((d) => d.path)).toEqual(['spec.placement.jurisdiction']);
    expect(diagnostics[0]?.message).toContain('spec.data.classification');
  });

  it('suggests the classification meant by a typo', () => {
    const { diagnostics } = readText(classified('helth'));
    expect(diagnostics[0]?.message).toContain('did you mean health?');
  });
});
