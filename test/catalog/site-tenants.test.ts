import { describe, expect, it } from 'vitest';
import { readText } from '../support/read-text.js';

const PROVIDER = `apiVersion: usine/v1
kind: Provider
metadata: { name: frcloud }
spec: { legalName: FR Cloud SAS, jurisdiction: FR }
---
`;

const site = (tenants: string) => `${PROVIDER}apiVersion: usine/v1
kind: Site
metadata: { name: paris-1 }
spec:
  provider: frcloud
  location: { country: FR }
  pue: 1.3
  backend: { type: simulated }
  capacity:
    - { gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700 }
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.90 EUR" }]
${tenants}`;

describe("a site's tenants (quotas)", () => {
  it('reads quotas, cohorts, weights and borrowing limits in the words of a scenario', () => {
    const { catalog, diagnostics } = readText(
      site(`  tenants:
    - { name: clinic, cohort: health, weight: 2, quota: { h100: 16 }, borrowingLimit: { H100: 8 } }
    - { name: lab, quota: { H100: 8 } }
`),
      'catalog.yaml',
    );
    expect(diagnostics).toEqual([]);
    const [clinic, lab] = catalog.sites[0]?.tenants ?? [];
    expect(clinic).toEqual({
      name: 'clinic',
      cohort: 'health',
      weight: 2,
      quota: new Map([['H100', 16]]),
      borrowingLimit: new Map([['H100', 8]]),
    });
    expect(lab).toMatchObject({ cohort: 'default', weight: 1, borrowingLimit: new Map() });
  });

  it('leaves a site without tenants unconfigured', () => {
    expect(readText(site(''), 'catalog.yaml').catalog.sites[0]?.tenants).toBeUndefined();
  });

  it('says where a quota names a model the site lacks, a tenant is listed twice or a weight is not positive', () => {
    const { diagnostics } = readText(
      site(`  tenants:
    - { name: clinic, quota: { H10: 16 } }
    - { name: clinic, quota: { H100: 1 }, borrowingLimit: { B200: 2 }, weight: 0 }
    - { name: lab, quota: { H100: 1.5 }, cohrt: main }
`),
      'catalog.yaml',
    );
    expect(diagnostics.map((d) => `${d.line}:${d.col}: ${d.path}: ${d.message}`)).toEqual([
      '18:32: spec.tenants[0].quota.H10: the site has no H10 in spec.capacity; did you mean H100?',
      '19:15: spec.tenants[1].name: tenant clinic is listed twice',
      '19:61: spec.tenants[1].borrowingLimit.B200: the site has no B200 in spec.capacity; it has H100',
      '19:80: spec.tenants[1].weight: must be greater than 0',
      '20:35: spec.tenants[2].quota.H100: must be a whole number of GPUs, at least 0',
      '20:42: spec.tenants[2].cohrt: unknown field; did you mean cohort?',
    ]);
  });
});
