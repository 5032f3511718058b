import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/app/read-documents.js';
import { readText } from '../support/read-text.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

function listYaml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listYaml(join(dir, entry.name))
      : /\.(ya?ml|json)$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

const provider = (
  name = 'frcloud',
  parents = '[{ name: FR Holding SA, jurisdiction: FR }]',
) => `apiVersion: usine/v1
kind: Provider
metadata: { name: ${name} }
spec:
  legalName: FR Cloud SAS
  jurisdiction: FR
  parents: ${parents}
`;

const site = (name = 'paris-1', extra = '', providerName = 'frcloud') => `apiVersion: usine/v1
kind: Site
metadata: { name: ${name} }
spec:
  provider: ${providerName}
  location: { country: FR, city: Paris }
  certifications: [{ name: HDS, expires: 2027-06-30 }, { name: ISO27001 }]
  pue: 1.3
  backend: { type: simulated }
  capacity:
    - { gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 4, boardPowerW: 700, cpusPerNode: 96, memoryGiBPerNode: 960 }
  offerings:
    - { gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.90 EUR" }
${extra}`;

const catalog = (...docs: string[]) => docs.join('---\n');

describe('the catalog', () => {
  it('accepts every file in examples/, one by one', () => {
    for (const file of listYaml(EXAMPLES)) {
      const { reports } = readDocuments([{ name: file, text: readFileSync(file, 'utf8') }]);
      expect(reports[0]?.diagnostics, file).toEqual([]);
    }
  });

  it('accepts all of examples/ together, as one catalog with its jobs', () => {
    const files = listYaml(EXAMPLES).map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
    const set = readDocuments(files);
    expect(set.reports.flatMap((r) => r.diagnostics)).toEqual([]);
    expect(set.catalog.sites.length).toBeGreaterThanOrEqual(7);
    expect(set.specs.length).toBeGreaterThanOrEqual(5);
  });

  it('reads the contract example of DESIGN.md', () => {
    const set = readText(
      catalog(
        provider(),
        site(),
        'apiVersion: usine/v1\nkind: ExchangeRates\nmetadata: { name: ecb-2026-09-25 }\nspec: { base: EUR, rates: { USD: 1.1403 } }\n',
      ),
      'catalog.yaml',
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.catalog.sites[0]).toMatchObject({
      name: 'paris-1',
      provider: 'frcloud',
      country: 'FR',
      pue: 1.3,
    });
    expect(set.catalog.exchangeRates?.rates.get('USD')).toEqual({ coefficient: 11403n, scale: 4 });
  });

  it('rejects a site whose provider is not in the catalog, suggesting the near one', () => {
    const { diagnostics } = readText(catalog(provider(), site('paris-1', '', 'frclod')), 'catalog.yaml');
    expect(diagnostics).toEqual([
      expect.objectContaining({
        path: 'spec.provider',
        line: 13,
        message: expect.stringContaining('did you mean frcloud?'),
      }),
    ]);
  });

  it('accepts a site whose provider is in another file of the same catalog', () => {
    const set = readDocuments([
      { name: 'providers.yaml', text: provider() },
      { name: 'sites.yaml', text: site() },
    ]);
    expect(set.reports.flatMap((r) => r.diagnostics)).toEqual([]);
  });

  it('rejects an offering for a GPU model the site does not have', () => {
    const extra = '    - { gpuModel: B200, kind: spot, pricePerGpuHour: "1.70 EUR" }\n';
    const { diagnostics } = readText(catalog(provider(), site('paris-1', extra)), 'catalog.yaml');
    expect(diagnostics.map((d) => d.path)).toEqual(['spec.offerings[1].gpuModel']);
  });

  it('compares GPU models without regard to case', () => {
    const extra = '    - { gpuModel: h100, kind: spot, pricePerGpuHour: "1.70 EUR" }\n';
    expect(readText(catalog(provider(), site('paris-1', extra)), 'catalog.yaml').diagnostics).toEqual([]);
  });

  it('rejects two sites with one name', () => {
    const { diagnostics } = readText(catalog(provider(), site(), site()), 'catalog.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('another Site is already named paris-1'),
    ]);
  });

  it('rejects an unknown certification field, a bad date and a currency that is not ISO 4217', () => {
    const text = site()
      .replace('{ name: ISO27001 }', '{ name: ISO27001, expiry: 2027-01-01 }')
      .replace('expires: 2027-06-30', 'expires: 2027-02-30')
      .replace('"2.90 EUR"', '"2.90 EUROS"');
    const { diagnostics } = readText(catalog(provider(), text), 'catalog.yaml');
    expect(diagnostics.map((d) => [d.path, d.message])).toEqual([
      ['spec.certifications[0].expires', '2027-02-30 is not a calendar date'],
      ['spec.certifications[1].expiry', 'unknown field; did you mean expires?'],
      ['spec.offerings[0].pricePerGpuHour', expect.stringContaining('ISO 4217')],
    ]);
  });

  it('requires a URL and a partition for a Slurm backend', () => {
    const text = site().replace('{ type: simulated }', '{ type: slurm }');
    const { diagnostics } = readText(catalog(provider(), text), 'catalog.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual([
      'a slurm backend needs url',
      'a slurm backend needs partition',
    ]);
  });

  it('rejects a policy that prefers a site the catalog does not have', () => {
    const policy =
      'apiVersion: usine/v1\nkind: Policy\nmetadata: { name: clinic }\nspec: { prefer: [pariss-1] }\n';
    const { diagnostics } = readText(catalog(provider(), site(), policy), 'catalog.yaml');
    expect(diagnostics[0]).toMatchObject({
      path: 'spec.prefer[0]',
      message: expect.stringContaining('did you mean paris-1?'),
    });
  });

  it('reads a policy with its defaults: EUR, a 30-minute wait for preferred sites, weights of 1', () => {
    const policy =
      'apiVersion: usine/v1\nkind: Policy\nmetadata: { name: p }\nspec: { weights: { exit: 2 } }\n';
    const set = readText(policy, 'policy.yaml');
    expect(set.catalog.policies[0]).toMatchObject({ currency: 'EUR', maxWaitForPreferred: 1800 });
    expect(set.catalog.policies[0]?.weights).toMatchObject({ exit: 2, compliance: 1 });
  });

  it('rejects an unknown exchange-rate currency at its key', () => {
    const rates =
      'apiVersion: usine/v1\nkind: ExchangeRates\nmetadata: { name: r }\nspec: { base: EUR, rates: { USX: 1.1 } }\n';
    expect(readText(rates, 'rates.yaml').diagnostics.map((d) => d.path)).toEqual(['spec.rates.USX']);
  });

  it('suggests the kind meant by a typo', () => {
    const { diagnostics } = readText(provider().replace('kind: Provider', 'kind: Provder'), 'p.yaml');
    expect(diagnostics[0]?.message).toContain('did you mean Provider?');
  });
});
