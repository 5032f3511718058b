import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderUsage } from '../../src/cli/commands/metering.js';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory, TEST_CATALOG } from './factory-fixture.js';

/** The local site of the test catalog, with a known price: 2.50 EUR per GPU-hour. */
const CATALOG = TEST_CATALOG.replace(
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]',
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }]',
);
const PRICE_CENTS_PER_GPU_HOUR = 250n;

/** A job that holds half an L40S for about 1.5 s. */
const sleeper = (name: string, extra = '') =>
  JOB_YAML(name, JSON.stringify([process.execPath, '-e', 'setTimeout(() => {}, 1500)']), extra);

/** Exact cents of `gpuSeconds` (text with 6 decimals) at 2.50 EUR/h, rounded half to even. */
function expectedCents(gpuSecondsText: string): bigint {
  const [whole = '0', fraction = ''] = gpuSecondsText.split('.');
  const micro = BigInt(whole + fraction.padEnd(6, '0'));
  // cents = µGPU-s × 250 / (3600 × 10^6)
  return divideHalfEven(micro * PRICE_CENTS_PER_GPU_HOUR, 3_600_000_000n);
}

/** n / d for non-negative bigints, rounded half to even (the invoice's rule). */
function divideHalfEven(n: bigint, d: bigint): bigint {
  let q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  return q;
}

const cents = (money: unknown) => {
  const [amount = ''] = String(money).split(' ');
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole + fraction.padEnd(2, '0'));
};

describe('metering end to end (local executor, virtual GPUs, 2.50 EUR/GPU-h)', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;
  let tenantId: string;
  /** The two jobs of the first test, finished. */
  let finished: Record<string, unknown>[] = [];

  const submit = (yaml: string, key: string) =>
    call('POST', '/v1/jobs', {
      key: owner,
      body: yaml,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': key },
    });

  const waitFor = async <T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    what: string,
  ): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    factory = await startTestFactory({ catalogText: CATALOG });
    call = api(factory.url);
    ({ tenantId, key: owner } = await createOwner(call, factory.adminKey, 'meter-co'));
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('invoices jobs of known length at GPU-seconds × price exactly, and replays charge nothing', async () => {
    const ids: string[] = [];
    for (const name of ['train-a', 'train-b'])
      ids.push((await submit(sleeper(name), `k-${name}`)).body['id'] as string);
    finished = await Promise.all(
      ids.map((id) =>
        waitFor(
          async () => (await call('GET', `/v1/jobs/${id}`, { key: owner })).body,
          (job) => job['status'] === 'succeeded',
          `job ${id}`,
        ),
      ),
    );
    // each job's ledger closes at its finish: half a GPU × (finishedAt − startedAt)
    const expected = finished.map((job) => {
      const ms = Date.parse(job['finishedAt'] as string) - Date.parse(job['startedAt'] as string);
      expect(ms).toBeGreaterThanOrEqual(1000);
      return { id: job['id'] as string, gpuSeconds: (BigInt(ms) * 500n).toString().padStart(7, '0') };
    });
    const usage = await waitFor(
      async () => (await call('GET', '/v1/usage?groupBy=job', { key: owner })).body,
      (body) => (body.items ?? []).length === 2 && expected.every((e) => JSON.stringify(body).includes(e.id)),
      'usage of both jobs',
    );
    const byJob = new Map(
      (usage.items as { key: string; gpuSeconds: string; energyWh: string }[]).map((i) => [i.key, i]),
    );
    for (const e of expected) {
      const micro = BigInt((byJob.get(e.id)?.gpuSeconds ?? '').replace('.', ''));
      expect(micro).toBe(BigInt(e.gpuSeconds));
      expect(Number(byJob.get(e.id)?.energyWh)).toBeGreaterThan(0);
    }
    const totalGpuSeconds = [...byJob.values()].reduce(
      (s, i) => s + BigInt(i.gpuSeconds.replace('.', '')),
      0n,
    );
    const month = new Date().toISOString().slice(0, 7);
    const invoices = await call('GET', `/v1/invoices?month=${month}`, { key: owner });
    expect(invoices.status).toBe(200);
    const [invoice] = invoices.body.items as Record<string, unknown>[];
    expect(invoice).toMatchObject({ id: `inv_${month}_EUR`, status: 'draft', currency: 'EUR' });
    const totalText = `${totalGpuSeconds / 1_000_000n}.${(totalGpuSeconds % 1_000_000n).toString().padStart(6, '0')}`;
    expect(cents(invoice?.['subtotal'])).toBe(expectedCents(totalText));
    expect(invoice?.['lines']).toEqual([
      expect.objectContaining({
        project: 'default',
        site: 'local',
        gpuModel: 'L40S',
        offering: 'on-demand',
        unitPrice: '2.50 EUR',
        gpuSeconds: totalText,
      }),
    ]);

    // the reconciler's records replayed into the ledger: nothing new, the invoice unchanged
    const ledger = await factory.ctx.store.transaction((tx) =>
      tx.listUsage(tenantId, { from: `${month}-01T00:00:00Z`, to: '2100-01-01T00:00:00Z' }),
    );
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    expect(await factory.ctx.store.transaction((tx) => tx.appendUsage(ledger))).toBe(0);
    expect((await call('GET', `/v1/invoices/inv_${month}_EUR`, { key: owner })).body).toEqual(invoice);
  }, 60_000);

  it('ingests CloudEvents of the operator once: a resent batch is all duplicates and charges nothing', async () => {
    const job = finished[0];
    if (!job) throw new Error('the first test runs the jobs');
    const start = job['startedAt'] as string;
    const end = job['finishedAt'] as string;
    const middle = new Date((Date.parse(start) + Date.parse(end)) / 2).toISOString();
    const events = [
      [start, middle],
      [middle, end],
    ].map(([from, to], n) => ({
      specversion: '1.0',
      id: `evt-${n}`,
      source: 'site/local/meter',
      type: 'usine.usage.v1',
      time: end,
      data: { job: job['id'], site: 'local', gpuModel: 'L40S', gpus: 0.5, start: from, end: to },
    }));
    const first = await call('POST', '/v1/usage', { key: factory.adminKey, json: events });
    expect(first).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const month = new Date().toISOString().slice(0, 7);
    const before = (await call('GET', `/v1/invoices?month=${month}`, { key: owner })).body;
    const again = await call('POST', '/v1/usage', { key: factory.adminKey, json: events });
    expect(again.body).toEqual({ accepted: 0, duplicates: 2 });
    expect((await call('GET', `/v1/invoices?month=${month}`, { key: owner })).body).toEqual(before);
    const bad = await call('POST', '/v1/usage', {
      key: factory.adminKey,
      json: [{ ...events[0], id: 'evt-bad', data: { ...events[0]?.data, site: 'mars' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ path: '[0].data.site' })]);
  });

  it('shows an invoice as CSV and as a printable HTML page', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const csv = await call('GET', `/v1/invoices/inv_${month}_EUR?format=csv`, { key: owner });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body).split('\r\n')[0]).toBe(
      'invoice,period,project,site,gpuModel,offering,simulated,gpuHours,unitPrice,amount,currency',
    );
    expect(String(csv.body)).not.toContain(' EUR');
    const html = await call('GET', `/v1/invoices/inv_${month}_EUR?format=html`, { key: owner });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(String(html.body)).toContain('meter-co');
    expect((await call('GET', '/v1/invoices/inv_1999-01_EUR', { key: owner })).status).toBe(404);
  });

  it('applies the tenant’s tax and shows an agency’s client its project at resale prices', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const set = await call('PUT', `/v1/tenants/${tenantId}/billing`, {
      key: factory.adminKey,
      json: { taxRate: '20%', markups: { default: '0.50' } },
    });
    expect(set.status).toBe(204);
    expect(
      (await call('PUT', `/v1/tenants/${tenantId}/billing`, { key: owner, json: { taxRate: '0%' } })).status,
    ).toBe(403);
    const invoice = (await call('GET', `/v1/invoices/inv_${month}_EUR`, { key: owner })).body;
    // 20 % of whole cents is a multiple of 0.2 cent: never a tie, so nearest is the rule
    expect(cents(invoice['tax'])).toBe((cents(invoice['subtotal']) * 20n + 50n) / 100n);
    const line = (
      invoice['lines'] as { project: string; amount: string; resale: { amount: string; margin: string } }[]
    ).find((l) => l.project === 'default');
    // resold at +50 %: the amount × 1.5, rounded half to even
    const amount = cents(line?.amount);
    const resale = divideHalfEven(amount * 15n, 10n);
    expect(cents(line?.resale.amount)).toBe(resale);
    expect(cents(line?.resale.margin)).toBe(resale - amount);
    const client = (await call('GET', `/v1/invoices/inv_${month}_EUR?project=default`, { key: owner })).body;
    expect(cents(client['subtotal'])).toBe(resale);
    expect(cents(client['tax'])).toBe((resale * 20n + 50n) / 100n);
    expect(client['margin']).toBeNull();
    expect((await call('GET', `/v1/invoices/inv_${month}_EUR?project=ext`, { key: owner })).status).toBe(404);
  });

  it('stops admission at 100 % of a budget: a reject budget makes new jobs unplaceable with reason BUDGET', async () => {
    const put = await call('PUT', '/v1/budgets/tenant', {
      key: owner,
      json: { limit: '0.00 EUR', period: 'month', onExceeded: 'reject', stopPreemptible: false },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ scope: 'tenant', exhausted: true, alerts: [50, 80, 100] });
    const job = (await submit(sleeper('over-budget'), 'k-over')).body['id'] as string;
    const stopped = await waitFor(
      async () => (await call('GET', `/v1/jobs/${job}`, { key: owner })).body,
      (j) => j['status'] !== 'queued',
      'the budget decision',
    );
    expect(stopped).toMatchObject({ status: 'unplaceable', reason: expect.stringMatching(/^BUDGET/) });
    const audit = await call('GET', '/v1/audit?limit=1000', { key: owner });
    expect(JSON.stringify(audit.body)).toContain('budget.alert');
    const listed = await call('GET', '/v1/budgets', { key: owner });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ scope: 'tenant', limit: '0.00 EUR', exhausted: true }),
    ]);
  }, 30_000);

  it('lets a project wait at its budget while the rest of the tenant runs', async () => {
    await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: '1000.00 EUR' } });
    await call('PUT', '/v1/budgets/project:ext', {
      key: owner,
      json: { limit: { gpuHours: 0 }, onExceeded: 'wait' },
    });
    const waiting = (
      await submit(sleeper('ext-job').replace('name: ext-job', 'name: ext-job, project: ext'), 'k-ext')
    ).body['id'] as string;
    const free = (await submit(sleeper('free-job'), 'k-free')).body['id'] as string;
    await waitFor(
      async () => (await call('GET', `/v1/jobs/${free}`, { key: owner })).body,
      (j) => j['status'] === 'succeeded',
      'the free job',
    );
    const held = (await call('GET', `/v1/jobs/${waiting}`, { key: owner })).body;
    expect(held['status']).toBe('queued');
    expect(held['reason']).toMatch(
      /^BUDGET: the budget project:ext is spent .*; the job waits in the queue$/,
    );
  }, 30_000);

  it('rejects a job whose estimated cost would overrun what is left of a money budget', async () => {
    await call('PUT', '/v1/budgets/project:tiny', {
      key: owner,
      json: { limit: '0.01 EUR', onExceeded: 'reject' },
    });
    // half an L40S for a minute at 2.50 EUR/h: about 0.02 EUR, more than the 0.01 EUR left
    const id = (
      await submit(sleeper('tiny-job').replace('name: tiny-job', 'name: tiny-job, project: tiny'), 'k-tiny')
    ).body['id'] as string;
    const job = await waitFor(
      async () => (await call('GET', `/v1/jobs/${id}`, { key: owner })).body,
      (j) => j['status'] !== 'queued',
      'the budget decision',
    );
    expect(job).toMatchObject({
      status: 'unplaceable',
      reason: expect.stringMatching(/^BUDGET: the estimated cost 0\.02 EUR/),
    });
  });

  it('prints usage and the month’s invoice from the CLI (table, CSV, JSON)', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const flags = ['--url', factory.url, '--api-key', owner];
    const usage = await runUsine(['usage', '--group-by', 'project', ...flags]);
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/^KEY\s+GPU-HOURS\s+ENERGY KWH\s+COST/);
    expect(usage.stdout).toContain('default');
    const csv = await runUsine(['invoice', '--month', month, '--format', 'csv', ...flags]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toContain(`inv_${month}_EUR,${month},subtotal,`);
    const json = await runUsine(['invoice', '--month', month, '--format', 'json', ...flags]);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ id: `inv_${month}_EUR` }] });
    expect((await runUsine(['invoice', '--month', '1999-01', ...flags])).code).toBe(3);
    expect((await runUsine(['usage', '--group-by', 'color', ...flags])).code).toBe(2);
  });

  it('draws bars scaled to the largest group on a terminal', () => {
    const out = renderUsage(
      [
        { key: 'a', gpuSeconds: '3600.000000', energyWh: '0', cost: '2.50 EUR' },
        { key: 'b', gpuSeconds: '1800.000000', energyWh: '0', cost: '1.25 EUR' },
      ],
      true,
    );
    expect(out).toContain('█'.repeat(30));
    expect(out.split('\n')[2]).toMatch(/1\.25 EUR\s+█{15}$/);
  });
});

describe('budgets and spot jobs', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;

  beforeAll(async () => {
    factory = await startTestFactory({
      catalogText: CATALOG.replace(
        '{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }',
        '{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }, { gpuModel: L40S, kind: spot, pricePerGpuHour: "1.00 EUR" }',
      ),
    });
    call = api(factory.url);
    owner = (await createOwner(call, factory.adminKey, 'spot-co')).key;
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('stops a running spot job at 100 % when the budget says stopPreemptible, and keeps its usage charged', async () => {
    const yaml = JOB_YAML(
      'spot-train',
      JSON.stringify([process.execPath, '-e', 'setTimeout(() => {}, 30000)']),
    ).replace('  workload: dev\n', '  workload: dev\n  preemptible: true\n');
    const id = (
      await call('POST', '/v1/jobs', {
        key: owner,
        body: yaml,
        headers: { 'content-type': 'application/yaml', 'idempotency-key': 'spot-1' },
      })
    ).body['id'] as string;
    const get = async () => (await call('GET', `/v1/jobs/${id}`, { key: owner })).body;
    // running on its host (its agent reported the start), not only launched
    const started = (job: Record<string, unknown>) =>
      job['status'] === 'running' && job['startedAt'] !== null;
    for (let i = 0; i < 200 && !started(await get()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await get()).toMatchObject({ status: 'running', placement: { decision: { offering: 'spot' } } });
    await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: '0 EUR', stopPreemptible: true } });
    for (let i = 0; i < 200 && (await get())['status'] === 'running'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await get()).toMatchObject({ status: 'preempted', reason: expect.stringMatching(/^BUDGET/) });
    const usage = await call('GET', '/v1/usage?groupBy=job', { key: owner });
    for (let i = 0; i < 50 && (usage.body.items ?? []).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const items = (await call('GET', '/v1/usage?groupBy=job', { key: owner })).body.items as {
      key: string;
    }[];
    expect(items.map((i) => i.key)).toEqual([id]);
  }, 60_000);
});
