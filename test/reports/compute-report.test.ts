import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/audit/canonical-json.js';
import {
  buildComputeReport,
  type ComputeReport,
  type ComputeReportInput,
} from '../../src/domain/energy/compute-report.js';
import type { UsageRecord } from '../../src/domain/metering/usage-record.js';
import { sha256Hex } from '../../src/domain/audit/sha256.js';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

const record = (over: Partial<UsageRecord>): UsageRecord => ({
  key: 'k',
  tenantId: 'ten_a',
  project: 'p',
  jobId: 'job_1',
  site: 'paris-1',
  gpuModel: 'H100',
  offering: 'on-demand',
  milliGpus: 8000,
  start: '2026-11-01T00:00:00.000Z',
  end: '2026-11-01T10:00:00.000Z',
  energyWh: { coefficient: 50_960n, scale: 0 },
  pricePerGpuHour: { amount: { coefficient: 290n, scale: 2 }, currency: 'EUR' },
  minimumSeconds: null,
  isFinal: true,
  timeScale: 1,
  invoiceMonth: null,
  correction: null,
  ...over,
});

const INPUT: ComputeReportInput = {
  model: 'radiology-v1',
  from: null,
  to: null,
  generatedAt: '2026-12-01T00:00:00.000Z',
  precision: 'bf16',
  utilisation: { coefficient: 4n, scale: 1 },
  jobs: [
    {
      id: 'job_1',
      name: 'pretrain',
      kind: 'Job',
      site: 'paris-1',
      startedAt: '2026-11-01T00:00:00.000Z',
      finishedAt: '2026-11-01T10:00:00.000Z',
    },
    {
      id: 'job_2',
      name: 'finetune',
      kind: 'Job',
      site: 'oslo-1',
      startedAt: '2026-11-01T08:00:00.000Z',
      finishedAt: '2026-11-01T12:00:00.000Z',
    },
  ],
  records: [
    // 8 H100 for 10 h at paris-1, estimated: 80 GPU-h × 700 W × 0.7 × 1.3 = 50.96 kWh
    record({ key: 'job_1#1' }),
    // 2 L40S for 4 h at oslo-1, measured by the site's meter: 3 kWh
    record({
      key: 'ext:1',
      jobId: 'job_2',
      site: 'oslo-1',
      gpuModel: 'L40S',
      milliGpus: 2000,
      start: '2026-11-01T08:00:00.000Z',
      end: '2026-11-01T12:00:00.000Z',
      energyWh: { coefficient: 3000n, scale: 0 },
      energyMeasured: true,
    }),
  ],
  sites: new Map([
    ['paris-1', { country: 'FR', pue: 1.3, gridCarbonGPerKWh: 44, gridSource: 'site' }],
    ['oslo-1', { country: 'NO', pue: 1.1, gridCarbonGPerKWh: 30, gridSource: 'NO: table' }],
  ]),
};

describe('the compute report, checked by hand', () => {
  const report = buildComputeReport(INPUT);

  it('counts GPU-hours by GPU model and site, and the wall-clock time of the runs once', () => {
    expect(report.gpuHours.total).toBe('88.000000');
    expect(report.gpuHours.byGpuModelAndSite).toEqual([
      { gpuModel: 'H100', site: 'paris-1', country: 'FR', gpuHours: '80.000000', simulated: false },
      { gpuModel: 'L40S', site: 'oslo-1', country: 'NO', gpuHours: '8.000000', simulated: false },
    ]);
    // 00:00–10:00 and 08:00–12:00 overlap: 12 h, not 14
    expect(report.wallClock).toEqual({
      firstStart: '2026-11-01T00:00:00.000Z',
      lastEnd: '2026-11-01T12:00:00.000Z',
      hours: '12.000000',
    });
  });

  it('estimates the FLOP as GPU-seconds × peak dense FLOP/s × utilisation, per GPU model, with its source', () => {
    // H100 bf16 989.4 TFLOP/s: 288,000 GPU-s × 989.4e12 × 0.4; L40S 362.05: 28,800 × 362.05e12 × 0.4
    const h100 = (288_000n * 9894n * 10n ** 11n * 4n) / 10n;
    const l40s = (28_800n * 36205n * 10n ** 10n * 4n) / 10n;
    expect(report.computation.byGpuModel.map((c) => [c.gpuModel, c.peakTeraflops, c.flop])).toEqual([
      ['H100', '989.4', h100.toString()],
      ['L40S', '362.05', l40s.toString()],
    ]);
    expect(report.computation.flop).toBe((h100 + l40s).toString());
    expect(report.computation.byGpuModel[0]?.source).toMatch(/nvidia\.com/);
  });

  it('states the energy measured and estimated with their shares, the carbon per site and the countries', () => {
    expect(report.energy).toMatchObject({
      kWh: '53.960000',
      measuredKWh: '3.000000',
      estimatedKWh: '50.960000',
      measuredShare: '0.0556',
      estimatedShare: '0.9444',
    });
    // 50.96 kWh × 44 g + 3 kWh × 30 g = 2242.24 g + 90 g
    expect(report.sites.map((s) => [s.site, s.kgCO2e])).toEqual([
      ['oslo-1', '0.090000'],
      ['paris-1', '2.242240'],
    ]);
    expect(report.carbon.kgCO2e).toBe('2.332240');
    expect(report.countries).toEqual(['FR', 'NO']);
  });

  it('gives no FLOP for a GPU model or precision without a figure, and names it', () => {
    const fp8 = buildComputeReport({ ...INPUT, precision: 'fp8', records: [record({ gpuModel: 'A100' })] });
    expect(fp8.computation).toMatchObject({ flop: null, gpuModelsWithoutFigures: ['A100'] });
  });
});

describe('GET /v1/reports/compute and usine report compute', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let owner: string;
  let jobId: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    const call = api(factory.url);
    owner = (await createOwner(call, factory.adminKey, 'model-maker')).key;
    const spec = (name: string, meta: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name}, ${meta} }
spec:
  workload: finetune
  command: ["python", "train.py"]
  resources: { gpus: 2 }
  duration: 30m
  placement: { sites: [sim-paris] }
`;
    const submit = async (name: string, meta: string) =>
      (
        await call('POST', '/v1/jobs', {
          key: owner,
          body: spec(name, meta),
          headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
        })
      ).body['id'] as string;
    jobId = await submit('by-metadata', 'model: radiology-v1');
    await submit('by-label', 'labels: { usine.dev/model: other-model }');
    for (let i = 0; i < 300; i++) {
      const job = (await call('GET', `/v1/jobs/${jobId}`, { key: owner })).body;
      const usage = (await call('GET', '/v1/usage', { key: owner })).body;
      if (job['status'] === 'succeeded' && (usage.items?.length ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(() => factory?.close());

  it('reports the model’s own jobs, matches their usage, and seals the report in the audit chain', async () => {
    const call = api(factory.url);
    const answer = await call('GET', '/v1/reports/compute?model=radiology-v1', { key: owner });
    expect(answer.status).toBe(200);
    const { report, sha256 } = answer.body as unknown as { report: ComputeReport; sha256: string };
    expect(report.jobs.map((j) => j.id)).toEqual([jobId]);
    expect(report.gpuHours.byGpuModelAndSite).toEqual([
      expect.objectContaining({ gpuModel: 'H100', site: 'sim-paris', country: 'FR', simulated: true }),
    ]);
    expect(report.countries).toEqual(['FR']);
    expect(report.energy.estimatedShare).toBe('1.0000');
    expect(sha256).toBe(sha256Hex(canonicalJson(report)));
    const audit = await call('GET', '/v1/audit?limit=1000', { key: owner });
    const sealed = (audit.body.items as { action: string; data: { sha256: string } }[]).filter(
      (e) => e.action === 'report.compute',
    );
    expect(sealed.map((e) => e.data.sha256)).toEqual([sha256]);
  });

  it('renders the report as a page in English and in French', async () => {
    const call = api(factory.url);
    const en = await call('GET', '/v1/reports/compute?model=radiology-v1&format=html', { key: owner });
    expect(en.headers.get('content-type')).toContain('text/html');
    expect(en.body as unknown as string).toContain('Compute and energy report');
    const fr = await call('GET', '/v1/reports/compute?model=radiology-v1&format=html&lang=fr', {
      key: owner,
    });
    expect(fr.body as unknown as string).toContain('Rapport de calcul et d’énergie');
    expect(fr.body as unknown as string).toContain('<html lang="fr">');
  });

  it('refuses a bad parameter with the field named, and a key that may not read usage', async () => {
    const call = api(factory.url);
    const bad = await call('GET', '/v1/reports/compute?model=radiology-v1&utilisation=2', { key: owner });
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ path: 'utilisation' })]);
    const missing = await call('GET', '/v1/reports/compute', { key: owner });
    expect(missing.body['errors']).toEqual([expect.objectContaining({ path: 'model' })]);
  });

  it('usine report compute prints a summary, and the label declares a model as metadata.model does', async () => {
    const env = { USINE_URL: factory.url, USINE_API_KEY: owner };
    const text = await runUsine(['report', 'compute', '--model', 'other-model'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^model other-model: 1 jobs/);
    expect(text.stdout).toContain('sealed in the audit chain');
  });
});
