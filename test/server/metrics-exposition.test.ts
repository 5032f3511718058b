import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANTS, readUsageMetrics } from '../../src/app/metering/usage-metrics.js';
import { JOB_STATUSES } from '../../src/domain/jobs/lifecycle.js';
import { prefersOpenMetrics } from '../../src/server/openmetrics-text.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

/** What Prometheus sends when it scrapes (v2.42's default scrape protocols). */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** One H100 for one simulated hour on sim-paris (2.50 EUR per GPU-hour, time scale 3600): 1 s. */
const ONE_HOUR = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: train
  command: ["python", "train.py"]
  resources: { gpus: 1, gpuModels: [H100] }
  duration: 1h
  placement: { sites: [sim-paris] }
`;

/** promtool (Debian's `prometheus` package), or why these checks are skipped; required in CI. */
function findPromtool(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return 'promtool';
  if (process.env.USINE_PROMTOOL_REQUIRED === '1')
    throw new Error('USINE_PROMTOOL_REQUIRED=1 but promtool is not on PATH (apt-get install prometheus)');
  console.warn('\n*** SKIPPING the promtool checks: promtool is not on PATH (apt-get install prometheus)\n');
  return undefined;
}
const promtool = findPromtool();

/** The PromQL of every panel of the Grafana dashboard in docs/, Grafana's range variables made 5m. */
function readDashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync('docs/grafana/usine-dashboard.json', 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) =>
    p.targets.map((t) => t.expr.replace(/\$__(rate_interval|range)/g, '5m')),
  );
}

describe('/metrics as Prometheus and OpenMetrics read it', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;

  const scrape = async (accept?: string) => {
    const response = await fetch(`${factory.url}/metrics`, { headers: accept ? { accept } : {} });
    return { type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    for (const tenant of ['metrics-a', 'metrics-b']) {
      const { key } = await createOwner(call, factory.adminKey, tenant);
      const submitted = await call('POST', '/v1/jobs', {
        key,
        body: ONE_HOUR(`${tenant}-hour`),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': tenant },
      });
      const id = submitted.body['id'] as string;
      // the final usage record is written by the metering pass after the job ends
      for (let i = 0; i < 300; i++) {
        const usage = (await call('GET', '/v1/usage?groupBy=job', { key })).body;
        const job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
        if (job['status'] === 'succeeded' && (usage.items ?? []).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }, 90_000);

  afterAll(async () => {
    await factory?.close();
  });

  it.skipIf(!promtool)('passes promtool check metrics with no problem', async () => {
    const { type, text } = await scrape();
    expect(type).toContain('text/plain; version=0.0.4');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(text).not.toContain('usine_process_process_');
  });

  it('answers OpenMetrics 1.0 to an Accept that prefers it: counters named without _total, # EOF last', async () => {
    const { type, text } = await scrape(PROMETHEUS_ACCEPT);
    expect(type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE usine_gpu_seconds counter\n');
    expect(text).toMatch(
      /^usine_gpu_seconds_total\{tenant="metrics-a",site="sim-paris",gpu_model="H100"\} /m,
    );
    expect(text).not.toMatch(/^# TYPE \S+_total /m);
    // and the Prometheus text of a later scrape keeps its _total names
    expect((await scrape()).text).toContain('# TYPE usine_gpu_seconds_total counter');
  });

  it.skipIf(!promtool)('writes OpenMetrics that Prometheus’s own parser reads to the end', async () => {
    const { text } = await scrape('application/openmetrics-text');
    // promtool's OpenMetrics reader (backfill) wants a timestamp on every sample
    const stamped = text.replace(/^([^#\n].*)$/gm, '$1 1700000000');
    const dir = mkdtempSync(join(tmpdir(), 'usine-openmetrics-'));
    writeFileSync(join(dir, 'metrics.txt'), stamped);
    const read = spawnSync(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'metrics.txt'), join(dir, 'blocks')],
      { encoding: 'utf8' },
    );
    expect(read.stderr).toBe('');
    expect(read.status).toBe(0);
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    expect(read.stdout).toMatch(new RegExp(`\\s${samples}\\s+${samples}\\s+${samples}\\s`));
  });

  it('keeps the Prometheus text format for a scraper that does not ask for OpenMetrics', () => {
    expect(prefersOpenMetrics(undefined)).toBe(false);
    expect(prefersOpenMetrics('*/*')).toBe(false);
    expect(prefersOpenMetrics('text/plain;version=0.0.4')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0.2,text/plain;q=0.5')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
    expect(prefersOpenMetrics(PROMETHEUS_ACCEPT)).toBe(true);
  });

  it('lists every job state, zero counts included', async () => {
    const { text } = await scrape();
    for (const state of JOB_STATUSES)
      expect(text).toMatch(new RegExp(`^usine_jobs\\{state="${state}"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^usine_jobs\{state="failed"\} 0$/m);
    expect(text).toMatch(/^usine_jobs\{state="succeeded"\} 2$/m);
  });

  it('counts GPU-seconds, cost, energy and carbon by tenant, site and GPU model from the ledger', async () => {
    const { text } = await scrape();
    const value = (name: string, labels: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
      return Number(line?.split(' ')[1]);
    };
    const place = 'tenant="metrics-a",site="sim-paris",gpu_model="H100"';
    expect(value('usine_gpu_seconds_total', place)).toBe(3600);
    expect(value('usine_usage_cost_total', `${place},currency="EUR"`)).toBe(2.5);
    const joules = value('usine_energy_joules_total', place);
    expect(joules).toBeGreaterThan(0);
    // sim-paris has no figure of its own: France's grid, 31 gCO2e/kWh
    expect(value('usine_carbon_grams_total', place)).toBeCloseTo((joules / 3_600_000) * 31, 9);
    expect(value('usine_gpu_seconds_total', place.replace('metrics-a', 'metrics-b'))).toBe(3600);
  });

  it('names the heaviest tenants only and sums the rest under _other, so the series stay bounded', async () => {
    const usage = await readUsageMetrics(factory.ctx, 1);
    expect(usage.map((u) => u.tenant).sort()).toEqual([OTHER_TENANTS, 'metrics-a']);
    expect(usage.reduce((sum, u) => sum + u.gpuSeconds, 0)).toBe(7200);
  });

  it('backs every query of the Grafana dashboard in docs/ with metrics the server exports', async () => {
    const { text } = await scrape();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const queries = readDashboardQueries();
    const used = new Set(queries.flatMap((q) => [...q.matchAll(/\busine_[a-z_]+/g)].map((m) => m[0])));
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(exported, name).toContain(name.replace(/_bucket$/, ''));
  });

  it.skipIf(!promtool)('writes the dashboard’s queries in PromQL that promtool parses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usine-dashboard-'));
    const rules = readDashboardQueries().map((expr, i) => ({ record: `usine:dashboard_${i}`, expr }));
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const check = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.json')], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.status).toBe(0);
  });
});
