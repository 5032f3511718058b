import { isWithinBudget } from '../metering/budget.js';
import type { Money } from '../money/money.js';
import { BUDGET } from './check-site.js';
import type { DecisionContext } from './decision-context.js';
import type { BudgetFailure } from './describe-admission.js';
import { estimateCost } from './estimate-run.js';
import { sortRankEntries } from './rank-options.js';
import { rankTableOf, type SiteScan } from './scan-sites.js';

/**
 * The scan with the budgets applied: every feasible site is rejected with BUDGET when a budget
 * is spent; otherwise each site whose estimated cost would overrun a budget is, and the best
 * site left is the decision. Only when the job has budgets (the full ranking is sorted here).
 */
export function applyBudgets(
  scan: SiteScan,
  context: DecisionContext,
  budgets: readonly BudgetFailure['state'][],
): { readonly scan: SiteScan; readonly failures: ReadonlyMap<number, BudgetFailure> } {
  const failures = new Map<number, BudgetFailure>();
  if (budgets.length === 0 || scan.feasibleCount === 0) return { scan, failures };
  const outcome = Int32Array.from(scan.outcome);
  const spent = budgets.find((b) => b.status.isExhausted);
  const table = rankTableOf(scan, context);
  const { siteIndex } = context.prepared.columns;
  const { milliGpus, nodes } = context.job.resources;
  let best = -1;
  for (const slot of sortRankEntries(table, context.rank)) {
    const candidate = table.candidate[slot] as number;
    const site = siteIndex[candidate] as number;
    let failure: BudgetFailure | undefined;
    if (spent) failure = { state: spent, cost: undefined };
    else {
      const price = context.tenantPrices[candidate] as Money;
      const cost = estimateCost(price, milliGpus, nodes, table.billedSeconds[slot] as number);
      const overrun = budgets.find((b) => !isWithinBudget(b.budget, b.spend, cost));
      if (overrun) failure = { state: overrun, cost };
    }
    if (failure) {
      failures.set(site, failure);
      outcome[site] = ~BUDGET;
    } else if (best < 0) best = slot;
  }
  if (failures.size === 0) return { scan, failures };
  const bestSite = best < 0 ? -1 : (siteIndex[table.candidate[best] as number] as number);
  return {
    scan: {
      outcome,
      startSeconds: scan.startSeconds,
      feasibleCount: scan.feasibleCount - failures.size,
      bestSite,
      bestTier: best < 0 ? 0 : (table.tier[best] as number),
      bestStart: best < 0 ? 0 : (table.startSeconds[best] as number),
      bestBilled: best < 0 ? 0 : (table.billedSeconds[best] as number),
    },
    failures,
  };
}
