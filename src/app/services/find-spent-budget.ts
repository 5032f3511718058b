import type { AppContext } from '../context.js';
import { checkBudgets, type BudgetCheck } from '../metering/check-budgets.js';
import type { ServiceRecord } from '../ports/service-store.js';

/** The tenant's or the service's project's budget that is spent this month, if one is. */
export async function findSpentBudget(
  ctx: AppContext,
  service: ServiceRecord,
): Promise<BudgetCheck | undefined> {
  const checks = await ctx.store.transaction((tx) => checkBudgets(tx, service.tenantId, ctx.clock.now()));
  return checks.find(
    (c) =>
      c.status.isExhausted &&
      (c.budget.scope === 'tenant' || c.budget.scope === `project:${service.project}`),
  );
}
