import type { AppContext } from '../app/context.js';
import { UsineError } from '../app/errors.js';
import { findSpentBudget } from '../app/services/find-spent-budget.js';
import type { ServiceRecord } from '../app/ports/service-store.js';

/**
 * Refuses the calls of a tenant whose budget (the tenant's, or the service's project's) is
 * spent. What a tenant's budgets say is read at most every `refreshMs` per tenant and service
 * project (default 30 s), so a budget spent under load blocks its keys within that time plus one
 * metering pass, and a budget raised again lets them through as late.
 */
export class BudgetGate {
  // one read per tenant and project at a time: the requests that arrive meanwhile share it
  private readonly known = new Map<
    string,
    { readonly until: number; readonly spent: Promise<string | null> }
  >();

  constructor(
    private readonly ctx: AppContext,
    private readonly refreshMs = 30_000,
  ) {}

  async check(service: ServiceRecord): Promise<void> {
    const name = `${service.tenantId} ${service.project}`;
    const now = this.ctx.clock.now().getTime();
    let known = this.known.get(name);
    if (!known || known.until <= now) {
      const spent = findSpentBudget(this.ctx, service).then((found) =>
        found
          ? `the ${found.budget.scope === 'tenant' ? "tenant's" : `project ${service.project}'s`} budget is spent (${found.status.percent} % of its monthly limit)`
          : null,
      );
      known = { until: now + this.refreshMs, spent };
      this.known.set(name, known);
      // a failed read is tried again by the next request
      spent.catch(() => this.known.delete(name));
    }
    const why = await known.spent;
    if (why !== null)
      throw new UsineError(
        'USINE_BUDGET_SPENT',
        `service ${service.name} refuses calls: ${why}; its owner can raise it (usine budget set)`,
      );
  }
}
