import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../src/app/read-documents.js';
import { readInputFiles } from '../../src/cli/read-input-files.js';
import type { Budget } from '../../src/domain/metering/budget.js';
import { assessBudget } from '../../src/domain/metering/budget.js';
import { parseMoney, type Money } from '../../src/domain/money/money.js';
import { placeJob } from '../../src/domain/placement/place-job.js';
import type { SiteFacts } from '../../src/domain/placement/site-facts.js';
import { describeTenantQuota } from '../../src/domain/placement/tenant-quota-at-site.js';
import { jobYaml, readValidSpec } from '../support/read-text.js';

const AT = new Date('2026-11-27T09:00:00Z');
const { catalog } = readDocuments(readInputFiles(['examples/federation.yaml'], process.cwd()));
const L4 = 'gpus: 1, gpuModels: [L4]';
const CAN_DO_ALL = { containers: true, fractionalGpus: true, services: true };
const money = (text: string): Money => {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.money;
};
const facts = (entries: Record<string, SiteFacts>) => new Map(Object.entries(entries));
const codesOf = (result: ReturnType<typeof placeJob>, site: string) =>
  result.rejected.find((r) => r.site === site)?.reasons.map((r) => r.code);

describe('placement with what admission will say: quotas, capabilities, budgets', () => {
  it('rejects a site where the tenant quota could never admit the job, and places it elsewhere', () => {
    const job = readValidSpec(jobYaml('duration: 1h', L4));
    const cheapest = placeJob({ job, policy: undefined, catalog, at: AT });
    expect(cheapest.decision?.site).toBe('ovh-gra');
    const ovh = catalog.sites.find((s) => s.name === 'ovh-gra')!;
    const quota = describeTenantQuota(
      {
        ...ovh,
        tenants: [
          { name: 'other', cohort: 'c', weight: 1, quota: new Map([['L4', 4]]), borrowingLimit: new Map() },
        ],
      },
      'acme',
      new Map(),
    );
    const result = placeJob({
      job,
      policy: undefined,
      catalog,
      at: AT,
      sites: facts({ 'ovh-gra': { quota } }),
    });
    expect(result.decision?.site).not.toBe('ovh-gra');
    expect(codesOf(result, 'ovh-gra')).toEqual(['EXCEEDS_QUOTA']);
    expect(result.rejected.find((r) => r.site === 'ovh-gra')?.reasons[0]?.message).toMatch(
      /tenant acme has no L4 quota on ovh-gra .*only preemptible work may borrow/,
    );
  });

  it('lets a preemptible job borrow what no quota covers, and ranks a site whose quota is in use with its wait', () => {
    const ovh = catalog.sites.find((s) => s.name === 'ovh-gra')!;
    const tenants = [
      { name: 'acme', cohort: 'c', weight: 1, quota: new Map([['L4', 1]]), borrowingLimit: new Map() },
    ];
    const preemptible = readValidSpec(
      jobYaml('duration: 1h\npreemptible: true', 'gpus: 1, nodes: 2, gpuModels: [L4]'),
    );
    const free = describeTenantQuota({ ...ovh, tenants }, 'acme', new Map());
    const borrowing = placeJob({
      job: preemptible,
      policy: undefined,
      catalog,
      at: AT,
      sites: facts({ 'ovh-gra': { quota: free } }),
    });
    expect(borrowing.ranked.map((o) => o.site)).toContain('ovh-gra');
    const busy = describeTenantQuota({ ...ovh, tenants }, 'acme', new Map([['l4', 100_000]]));
    const job = readValidSpec(jobYaml('duration: 1h\nplacement: { objective: time }', L4));
    const load = new Map([['ovh-gra', { freeGpusPerNode: { L4: [8, 8] }, estimatedWaitSeconds: 900 }]]);
    const waiting = placeJob({
      job,
      policy: undefined,
      catalog,
      at: AT,
      load,
      sites: facts({ 'ovh-gra': { quota: busy } }),
    });
    expect(waiting.ranked.find((o) => o.site === 'ovh-gra')?.expectedStartSeconds).toBe(900);
    expect(waiting.decision?.site).not.toBe('ovh-gra');
  });

  it('rejects a backend that cannot run images or GPU fractions, with CAPABILITY and why', () => {
    const image = readValidSpec(jobYaml('image: registry.example/trainer:1', 'gpus: 1, gpuModels: [L40S]'));
    const noContainers = facts({ local: { capabilities: { ...CAN_DO_ALL, containers: false } } });
    const result = placeJob({ job: image, policy: undefined, catalog, at: AT, sites: noContainers });
    expect(result.decision?.site).not.toBe('local');
    expect(codesOf(result, 'local')).toEqual(['CAPABILITY']);
    expect(result.rejected.find((r) => r.site === 'local')?.reasons[0]?.message).toMatch(
      /cannot run container images \(spec\.image\)/,
    );
    const fraction = readValidSpec(jobYaml('', 'gpus: 0.5, gpuModels: [L40S]'));
    const wholeOnly = facts({ local: { capabilities: { ...CAN_DO_ALL, fractionalGpus: false } } });
    const shared = placeJob({ job: fraction, policy: undefined, catalog, at: AT, sites: wholeOnly });
    expect(codesOf(shared, 'local')).toEqual(['CAPABILITY']);
    expect(shared.rejected.find((r) => r.site === 'local')?.reasons[0]?.message).toMatch(/fraction of a GPU/);
  });

  it('rejects the sites whose estimated cost would overrun a budget, and keeps the cheaper ones', () => {
    const job = readValidSpec(jobYaml('duration: 10h', 'gpus: 8, gpuModels: [H100]'));
    const free = placeJob({ job, policy: undefined, catalog, at: AT });
    expect(free.ranked.length).toBeGreaterThan(1);
    const [first, second] = free.ranked;
    // a budget with room for the second option only: the first (cheapest) is within it too;
    // one with room for less than the cheapest rejects them all
    const budget = (limit: string): Budget => ({
      scope: 'tenant',
      limit: { money: money(limit) },
      period: 'month',
      onExceeded: 'wait',
      stopPreemptible: false,
    });
    const spend = { costs: [], quantity: 0n };
    const tight = budget('1 EUR');
    const none = placeJob({
      job,
      policy: undefined,
      catalog,
      at: AT,
      budgets: [{ budget: tight, spend, status: assessBudget(tight, spend) }],
    });
    expect(none.decision).toBeUndefined();
    expect(codesOf(none, first!.site)).toEqual(['BUDGET']);
    expect(none.rejected.find((r) => r.site === second!.site)?.reasons[0]?.message).toMatch(
      /the estimated cost .* would overrun the budget tenant/,
    );
    expect(none.heldByBudget).toMatchObject({ onExceeded: 'wait' });
    const spent = budget('0 EUR');
    const exhausted = placeJob({
      job,
      policy: undefined,
      catalog,
      at: AT,
      budgets: [{ budget: spent, spend, status: assessBudget(spent, spend) }],
    });
    expect(exhausted.rejected.find((r) => r.site === first!.site)?.reasons[0]?.message).toMatch(
      /the budget tenant is spent \(100 % this month\)/,
    );
  });
});
