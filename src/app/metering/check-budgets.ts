import {
  assessBudget,
  isWithinBudget,
  projectOfScope,
  type Budget,
  type BudgetSpend,
  type BudgetStatus,
} from '../../domain/metering/budget.js';
import { monthBoundsMs, monthOf } from '../../domain/metering/month.js';
import { rateQuantity } from '../../domain/metering/rate-usage.js';
import type { Money } from '../../domain/money/money.js';
import type { StoreTx } from '../ports/store.js';

export interface BudgetCheck {
  readonly budget: Budget;
  readonly status: BudgetStatus;
  readonly spend: BudgetSpend;
}

/**
 * A tenant's budgets against its usage of the month `now` is in. Each threshold newly
 * reached is recorded once (`budget_alerts`) and audited as `budget.alert`: the event.
 */
export async function checkBudgets(tx: StoreTx, tenantId: string, now: Date): Promise<BudgetCheck[]> {
  const budgets = await tx.listBudgets(tenantId);
  if (budgets.length === 0) return [];
  const month = monthOf(now);
  const { startMs, endMs } = monthBoundsMs(month);
  const totals = await tx.sumUsage(tenantId, {
    from: new Date(startMs).toISOString(),
    to: new Date(endMs).toISOString(),
    billedIn: month,
  });
  const checks: BudgetCheck[] = [];
  for (const budget of budgets) {
    const project = projectOfScope(budget.scope);
    const inScope = project === null ? totals : totals.filter((t) => t.project === project);
    const spend: BudgetSpend = {
      costs: inScope.map((t) => rateQuantity(t.quantity, t.pricePerGpuHour)),
      quantity: inScope.reduce((sum, t) => sum + t.quantity, 0n),
    };
    const status = assessBudget(budget, spend);
    for (const threshold of status.reached) {
      const at = now.toISOString();
      if (await tx.recordBudgetAlert(tenantId, budget.scope, month, threshold, at)) {
        await tx.appendAudit({
          at,
          actor: 'metering',
          tenantId,
          action: 'budget.alert',
          subject: budget.scope,
          data: { month, threshold, percent: status.percent },
        });
      }
    }
    checks.push({ budget, status, spend });
  }
  return checks;
}

/** The exhausted budget that stops a new job of `project`, if any (the tenant's first). */
export function findBlockingBudget(checks: readonly BudgetCheck[], project: string): BudgetCheck | undefined {
  return checks.find(
    (c) => c.status.isExhausted && (c.budget.scope === 'tenant' || c.budget.scope === `project:${project}`),
  );
}

/** The budget of the tenant or of `project` that a job estimated at `cost` would overrun, if any. */
export function findBudgetOverrun(
  checks: readonly BudgetCheck[],
  project: string,
  cost: Money,
): BudgetCheck | undefined {
  return checks.find(
    (c) =>
      (c.budget.scope === 'tenant' || c.budget.scope === `project:${project}`) &&
      !isWithinBudget(c.budget, c.spend, cost),
  );
}
