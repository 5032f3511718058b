import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';

const CATALOG = 'examples/federation.yaml';
const CLINIC = 'examples/policies/clinic.yaml';
const AT = ['--at', '2026-11-27T00:00:00Z'];

interface ProvidersJson {
  policy: string | null;
  weights: Record<string, number>;
  providers: {
    name: string;
    total: number;
    criteria: Record<
      string,
      { score: number; status: string; ageDays: number | null; reasons: unknown[]; evidence: string[] }
    >;
  }[];
}

async function readProvidersJson(args: readonly string[]): Promise<ProvidersJson> {
  const { code, stdout } = await runUsine(['providers', '--catalog', CATALOG, ...AT, '--json', ...args]);
  expect(code).toBe(0);
  return JSON.parse(stdout) as ProvidersJson;
}

describe('usine providers', () => {
  it('shows the providers side by side, criterion by criterion, with the answers’ age', async () => {
    const { code, stdout } = await runUsine(['providers', '--catalog', CATALOG, '--policy', CLINIC, ...AT]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^CRITERION\s+WEIGHT\s+OVHCLOUD\s+AWS\s+NEBIUS\s+SCALEWAY\s+SELF$/);
    expect(stdout).toMatch(
      /scalability\s+1\s+5\/5 \(62 d\)\s+5\/5 \(62 d\)\s+5\/5 \(52 d\)\s+2\/5 stale \(402 d\)\s+open/,
    );
    expect(stdout).toMatch(/partners\s+2\s+open\s+open/);
    expect(stdout).toMatch(/total\s+2\.90\s+2\.00\s+2\.00\s+1\.90\s+0\.90/);
    expect(stdout).toContain('evidence: https://docs.ovhcloud.com/');
  });

  it('prints the documented JSON shape with the clinic policy’s weights', async () => {
    const json = await readProvidersJson(['--policy', CLINIC]);
    expect(json.policy).toBe('clinic');
    expect(json.weights).toEqual({
      infrastructure: 1,
      partners: 2,
      exit: 2,
      compliance: 3,
      scalability: 1,
      pricing: 1,
    });
    expect(json.providers.map((p) => [p.name, p.total])).toEqual([
      ['ovhcloud', 2.9],
      ['aws', 2],
      ['nebius', 2],
      ['scaleway', 1.9],
      ['self', 0.9],
    ]);
    const ovh = json.providers[0]!;
    expect(Object.keys(ovh.criteria)).toEqual([
      'infrastructure',
      'partners',
      'exit',
      'compliance',
      'scalability',
      'pricing',
    ]);
    expect(ovh.criteria['exit']).toMatchObject({ score: 4, status: 'answered', ageDays: 62 });
    expect(ovh.criteria['compliance']?.score).toBe(3);
    expect(ovh.criteria['partners']).toMatchObject({ score: 0, status: 'open', ageDays: null, evidence: [] });
  });

  it('ranks differently with equal weights than with the clinic’s', async () => {
    const json = await readProvidersJson([]);
    expect(json.policy).toBeNull();
    expect(json.providers.map((p) => [p.name, p.total])).toEqual([
      ['ovhcloud', 3.17],
      ['aws', 2.5],
      ['nebius', 2.5],
      ['scaleway', 2.17],
      ['self', 1],
    ]);
  });

  it('lowers OVHcloud’s compliance once its SecNumCloud certification has expired', async () => {
    const { stdout } = await runUsine([
      'providers',
      '--catalog',
      CATALOG,
      '--json',
      '--at',
      '2028-03-25T00:00:00Z',
    ]);
    const ovh = (JSON.parse(stdout) as ProvidersJson).providers.find((p) => p.name === 'ovhcloud')!;
    expect(ovh.criteria['compliance']?.score).toBe(2);
  });

  it('refuses a policy file without a Policy, with exit 2', async () => {
    const { code, stderr } = await runUsine([
      'providers',
      '--catalog',
      CATALOG,
      '--policy',
      'examples/jobs/carbon-train.yaml',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('expected one Policy document, found 0');
  });
});

describe('usine rfp', () => {
  it('writes the English questionnaire for Scaleway: partners open, scalability stale', async () => {
    const { code, stdout } = await runUsine(['rfp', '--catalog', CATALOG, '--provider', 'scaleway', ...AT]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Due-diligence questionnaire — Scaleway SAS\n/);
    expect(stdout).toContain('## 2. Operator and subcontractors\n\n*No answer on file.*');
    expect(stdout).toMatch(
      /## 5\. Capacity and scalability\n\n\*Our information dates from 21 October 2025 \(402 days ago\)/,
    );
    expect(stdout).not.toContain('export formats can we export');
  });

  it('writes it in French with --lang fr', async () => {
    const { code, stdout } = await runUsine([
      'rfp',
      '--catalog',
      CATALOG,
      '--provider',
      'scaleway',
      '--lang',
      'fr',
      ...AT,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# Questionnaire de due diligence — Scaleway SAS\n/);
    expect(stdout).toContain('*Aucune réponse à ce jour.*');
    expect(stdout).toContain('Nos informations datent du 21 octobre 2025 (il y a 402 jours)');
    expect(stdout).toContain('**Justificatifs à joindre :**');
  });

  it('exits 3 with a suggestion for an unknown provider', async () => {
    const { code, stdout, stderr } = await runUsine(['rfp', '--catalog', CATALOG, '--provider', 'scalway']);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toContain('no Provider named scalway');
    expect(stderr).toContain('did you mean scaleway?');
  });

  it('exits 2 on a language other than fr or en', async () => {
    const { code } = await runUsine(['rfp', '--catalog', CATALOG, '--provider', 'aws', '--lang', 'de']);
    expect(code).toBe(2);
  });
});
