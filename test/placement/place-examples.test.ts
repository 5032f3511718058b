import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';

const CATALOG = 'examples/federation.yaml';
const AT = '2026-11-27T09:00:00Z';

interface PlaceJson {
  feasible: boolean;
  decision: Record<string, unknown> | null;
  ranked: { site: string; estimatedCost: string; score: number | null }[];
  rejected: { site: string; reasons: { code: string; message: string }[] }[];
}

async function place(job: string, ...extra: string[]) {
  const run = await runUsine(
    ['place', `examples/jobs/${job}.yaml`, '--catalog', CATALOG, '--json', ...extra],
    {
      now: AT,
    },
  );
  return { ...run, json: JSON.parse(run.stdout) as PlaceJson };
}

const codesOf = (json: PlaceJson, site: string) =>
  json.rejected.find((r) => r.site === site)?.reasons.map((r) => r.code);

describe('usine place on the example federation', () => {
  it('places health data only on the HDS-certified site in France', async () => {
    const { code, json } = await place('health-finetune');
    expect(code).toBe(0);
    expect(json.decision?.site).toBe('ovh-gra');
    expect(json.ranked.map((r) => r.site)).toEqual(['ovh-gra']);
    expect(codesOf(json, 'scaleway-par-2')).toEqual(['CERTIFICATION']);
    expect(codesOf(json, 'nebius-us')).toEqual(['RESIDENCY', 'CERTIFICATION', 'GPU_MODEL']);
  });

  it('places restricted data on the SecNumCloud site and rejects the US-parented operator for jurisdiction', async () => {
    const { code, json } = await place('restricted-train');
    expect(code).toBe(0);
    expect(json.decision).toMatchObject({ site: 'ovh-snc', gpuModel: 'H100', estimatedCost: '22.40 EUR' });
    expect(codesOf(json, 'aws-stockholm')).toEqual(['JURISDICTION', 'CERTIFICATION']);
  });

  it('places the 2×8 gang on the only site with 8-GPU nodes under the cap', async () => {
    const { code, json } = await place('gang-train-2x8');
    expect(code).toBe(0);
    expect(json.decision).toMatchObject({
      site: 'scaleway-par-2',
      offering: 'on-demand',
      pricePerGpuHour: '3.16635 EUR',
      estimatedCost: '2431.76 EUR',
    });
    expect(codesOf(json, 'ovh-gra')).toEqual(['CAPACITY']);
    expect(codesOf(json, 'nebius-fi')).toEqual(['PRICE_CAP']);
    expect(codesOf(json, 'aws-stockholm')).toEqual(['PRICE_CAP']);
    expect(codesOf(json, 'local')).toEqual(['GPU_MODEL']);
  });

  it('compares a USD offering with a EUR cap after conversion, and says both prices', async () => {
    const { json } = await place('gang-train-2x8');
    const message = json.rejected.find((r) => r.site === 'nebius-fi')?.reasons[0]?.message ?? '';
    expect(message).toContain('4.50 USD (≈ 3.9463 EUR)');
    expect(message).toContain('3.50 EUR');
  });

  it('converts a USD price into the tenant currency for the cost', async () => {
    const { json } = await place('personal-data-eval');
    expect(json.decision).toMatchObject({
      site: 'nebius-fi',
      pricePerGpuHour: '5.40 USD',
      pricePerGpuHourInCurrency: '4.7356 EUR',
      estimatedCost: '7.10 EUR',
    });
  });

  it('ranks by carbon when the job asks for it, and rejects the US-parented site under EU jurisdiction', async () => {
    const { json } = await place('carbon-train');
    expect(json.decision?.site).toBe('scaleway-par-2');
    expect(json.decision?.carbonKg).toBeCloseTo(77.952 * 0.031, 3);
    expect(json.ranked.map((r) => r.site)).toEqual(['scaleway-par-2', 'nebius-fi']);
    expect(codesOf(json, 'aws-stockholm')).toEqual(['JURISDICTION']);
  });

  it('places the L4 service and the fractional hello job', async () => {
    expect((await place('inference-service')).json.decision?.site).toBe('ovh-gra');
    const hello = await place('local-hello');
    expect(hello.json.decision).toMatchObject({ site: 'local', estimatedCost: '0.00 EUR' });
    expect(codesOf(hello.json, 'ovh-gra')).toEqual(['SITE_NOT_ALLOWED']);
  });

  it('exits 3 for the infeasible example and rejects every site with a reason', async () => {
    const { code, json } = await place('infeasible-restricted-h200');
    expect(code).toBe(3);
    expect(json).toMatchObject({ feasible: false, decision: null, ranked: [] });
    expect(json.rejected).toHaveLength(7);
    for (const r of json.rejected) expect(r.reasons.length).toBeGreaterThan(0);
    expect(codesOf(json, 'ovh-snc')).toEqual(['GPU_MODEL']);
  });

  it('rejects a certification that expired before --at', async () => {
    const valid = await place('restricted-train', '--at', '2028-03-24T23:59:00Z');
    expect(valid.json.decision?.site).toBe('ovh-snc');
    const expired = await place('restricted-train', '--at', '2028-03-25T00:00:00Z');
    expect(expired.code).toBe(3);
    const reason = expired.json.rejected.find((r) => r.site === 'ovh-snc')?.reasons[0];
    expect(reason?.code).toBe('CERTIFICATION');
    expect(reason?.message).toContain('SecNumCloud expired on 2028-03-24');
  });

  it('adds the tenant policy to the job: the stricter rule wins', async () => {
    const { code, json } = await place('personal-data-eval', '--policy', 'examples/policies/clinic.yaml');
    expect(code).toBe(3);
    const reason = json.rejected.find((r) => r.site === 'nebius-fi')?.reasons[0];
    expect(reason?.code).toBe('PRICE_CAP');
    expect(reason?.message).toContain('4 EUR (policy clinic)');
    const startup = await place('gang-train-2x8', '--policy', 'examples/policies/startup.yaml');
    expect(startup.json.decision?.site).toBe('scaleway-par-2');
  });

  it('prints exactly the contract fields with --json', async () => {
    const { json } = await place('gang-train-2x8');
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['feasible', 'decision', 'ranked', 'rejected']));
    expect(Object.keys(json.decision ?? {})).toEqual(
      expect.arrayContaining([
        'site',
        'provider',
        'country',
        'gpuModel',
        'offering',
        'pricePerGpuHour',
        'estimatedCost',
        'energyKWh',
        'carbonKg',
      ]),
    );
    expect(Object.keys(json.ranked[0] ?? {})).toEqual(
      expect.arrayContaining(['site', 'estimatedCost', 'score']),
    );
  });

  it('explains the decision, the constraints and the rejections on a terminal', async () => {
    const { code, stdout } = await runUsine(
      [
        'place',
        'examples/jobs/gang-train-2x8.yaml',
        '--catalog',
        CATALOG,
        '--policy',
        'examples/policies/startup.yaml',
      ],
      { now: AT },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('placed on scaleway-par-2');
    expect(stdout).toContain(
      'max price per GPU-hour 3.50 EUR (spec.placement.maxPricePerGpuHour; policy startup)',
    );
    expect(stdout).toMatch(/nebius-fi\n {4}PRICE_CAP: /);
  });

  it('exits 1 when the policy file holds two policies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usine-place-'));
    const both = [
      readFileSync('examples/policies/clinic.yaml', 'utf8'),
      readFileSync('examples/policies/startup.yaml', 'utf8'),
    ].join('\n---\n');
    writeFileSync(join(dir, 'policies.yaml'), both);
    const run = await runUsine(
      [
        'place',
        'examples/jobs/gang-train-2x8.yaml',
        '--catalog',
        CATALOG,
        '--policy',
        join(dir, 'policies.yaml'),
      ],
      { now: AT },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds 2 policies');
  });

  it('exits 1 with positioned diagnostics when the job is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usine-place-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: usine/v1\nkind: Job\nmetadata: { name: x }\nspec: { workload: train }\n',
    );
    const run = await runUsine(['place', join(dir, 'bad.yaml'), '--catalog', CATALOG], { now: AT });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+: /);
  });
});
