import { isFinished, type JobStatus } from '../../domain/jobs/lifecycle.js';
import { monthOf } from '../../domain/metering/month.js';
import { isAllowed, requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { listTenantBudgets, type BudgetView } from '../metering/manage-budgets.js';
import { readTenantInvoices } from '../metering/read-invoices.js';

export interface SiteLoad {
  readonly site: string;
  readonly running: number;
  /** Placed or admitted there, not running yet. */
  readonly waiting: number;
}

export interface TenantSpend {
  readonly tenantId: string;
  readonly tenant: string;
  /** This month's invoices so far, one per currency (`"12.34 EUR"`). */
  readonly invoiced: readonly {
    readonly currency: string;
    readonly total: string;
    readonly status: string;
  }[];
  readonly budgets: readonly BudgetView[];
}

export interface FactorySummary {
  readonly at: string;
  readonly month: string;
  /** `factory`: every tenant's (the operator's key); `tenant`: the caller's own. */
  readonly scope: 'factory' | 'tenant';
  readonly jobs: Partial<Record<JobStatus, number>>;
  /** Jobs not placed yet (no site). */
  readonly queued: number;
  readonly sites: readonly SiteLoad[];
  /** Where the key may read usage: each tenant's spend this month against its budgets. */
  readonly spend?: readonly TenantSpend[];
}

/**
 * What `usine top` shows: jobs by state and by site, and this month's spend against budgets —
 * the operator's whole factory, a tenant's own share; spend only for keys that read usage.
 */
export async function summarizeFactory(ctx: AppContext, principal: Principal): Promise<FactorySummary> {
  requireAllowed(principal, 'site.read');
  const now = ctx.clock.now();
  const month = monthOf(now);
  const rows = await ctx.store.read((tx) => tx.countJobsBySite(principal.tenantId));
  const jobs: Partial<Record<JobStatus, number>> = {};
  const sites = new Map<string, { running: number; waiting: number }>();
  let queued = 0;
  for (const { site, status, count } of rows) {
    jobs[status] = (jobs[status] ?? 0) + count;
    if (site === null) {
      if (!isFinished(status)) queued += count;
      continue;
    }
    const load = sites.get(site) ?? { running: 0, waiting: 0 };
    if (status === 'running') load.running += count;
    else if (status === 'placed' || status === 'admitted') load.waiting += count;
    sites.set(site, load);
  }
  const summary: FactorySummary = {
    at: now.toISOString(),
    month,
    scope: principal.tenantId === null ? 'factory' : 'tenant',
    jobs,
    queued,
    sites: ctx.catalog.sites.map((s) => ({
      site: s.name,
      ...(sites.get(s.name) ?? { running: 0, waiting: 0 }),
    })),
  };
  if (!isAllowed(principal, 'usage.read')) return summary;
  const tenants = await ctx.store.read(async (tx) =>
    principal.tenantId === null
      ? tx.listTenants()
      : [await tx.getTenant(principal.tenantId)].filter((t) => t !== undefined),
  );
  const spend: TenantSpend[] = [];
  for (const tenant of tenants) {
    const invoices = await readTenantInvoices(ctx, tenant.id, month);
    spend.push({
      tenantId: tenant.id,
      tenant: tenant.name,
      invoiced: invoices.map((i) => ({ currency: i.currency, total: i.total, status: i.status })),
      budgets: await listTenantBudgets(ctx, tenant.id),
    });
  }
  return { ...summary, spend };
}
