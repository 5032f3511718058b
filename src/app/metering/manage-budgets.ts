import type { Static } from 'typebox';
import type { BillingBody, BudgetBody } from '../../api/metering-schemas.js';
import { isBudgetScope, type Budget } from '../../domain/metering/budget.js';
import { parseTaxRate } from '../../domain/metering/tax-rate.js';
import { DEFAULT_BILLING, type BillingSettings } from '../../domain/metering/invoice.js';
import { decimalFromNumber, formatDecimal, parseDecimal } from '../../domain/money/decimal.js';
import { formatMoney, parseMoney } from '../../domain/money/money.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { invalidField, UsineError } from '../errors.js';
import { checkBudgets, type BudgetCheck } from './check-budgets.js';

/** Sets the monthly budget of `tenant` or `project:NAME` (an owner's act, audited). */
export async function putBudget(
  ctx: AppContext,
  principal: Principal,
  scope: string,
  body: Static<typeof BudgetBody>,
): Promise<BudgetView> {
  requireAllowed(principal, 'budget.write');
  const tenantId = requireTenant(principal);
  if (!isBudgetScope(scope)) {
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      `scope must be "tenant" or "project:NAME", not "${scope}"`,
      [{ path: 'scope', message: 'tenant | project:NAME' }],
    );
  }
  let limit: Budget['limit'];
  if (typeof body.limit === 'string') {
    const money = parseMoney(body.limit);
    if (!money.ok)
      throw new UsineError('USINE_INVALID_REQUEST', money.message, [
        { path: 'limit', message: money.message },
      ]);
    limit = { money: money.money };
  } else {
    limit = { gpuHours: decimalFromNumber(body.limit.gpuHours) };
  }
  const budget: Budget = {
    scope,
    limit,
    period: 'month',
    onExceeded: body.onExceeded ?? 'wait',
    stopPreemptible: body.stopPreemptible ?? false,
  };
  const at = ctx.clock.now();
  const checks = await ctx.store.transaction(async (tx) => {
    await tx.putBudget(tenantId, budget, at.toISOString());
    await tx.appendAudit({
      at: at.toISOString(),
      actor: principal.keyId,
      tenantId,
      action: 'budget.set',
      subject: scope,
      data: { limit: body.limit, onExceeded: budget.onExceeded, stopPreemptible: budget.stopPreemptible },
    });
    return checkBudgets(tx, tenantId, at);
  });
  ctx.livePlacement?.forgetTenant(tenantId); // its next jobs go through the budget checks
  const mine = checks.find((c) => c.budget.scope === scope);
  if (!mine) throw new Error(`budget ${scope} not read back`);
  return toBudgetView(mine);
}

export async function listBudgets(ctx: AppContext, principal: Principal): Promise<{ items: BudgetView[] }> {
  requireAllowed(principal, 'usage.read');
  return { items: await listTenantBudgets(ctx, requireTenant(principal)) };
}

/** `listBudgets` for a tenant the caller was already allowed to read (the operator's summary). */
export async function listTenantBudgets(ctx: AppContext, tenantId: string): Promise<BudgetView[]> {
  const checks = await ctx.store.transaction((tx) => checkBudgets(tx, tenantId, ctx.clock.now()));
  return checks.map(toBudgetView);
}

export type BudgetView = ReturnType<typeof toBudgetView>;

function toBudgetView(check: BudgetCheck) {
  const { budget, status } = check;
  return {
    scope: budget.scope,
    limit:
      'money' in budget.limit
        ? formatMoney(budget.limit.money)
        : { gpuHours: Number(formatDecimal(budget.limit.gpuHours)) },
    period: budget.period,
    onExceeded: budget.onExceeded,
    stopPreemptible: budget.stopPreemptible,
    percent: status.percent,
    alerts: [...status.reached],
    exhausted: status.isExhausted,
  };
}

/** The operator sets a tenant's tax rate, statement currency, markups and commitments. */
export async function putBillingSettings(
  ctx: AppContext,
  principal: Principal,
  tenantId: string,
  body: Static<typeof BillingBody>,
): Promise<void> {
  requireAllowed(principal, 'tenant.create');
  const at = ctx.clock.now().toISOString();
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.getTenant(tenantId))) throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
    const current = (await tx.getBillingSettings(tenantId)) ?? DEFAULT_BILLING;
    const money = (text: string, path: string) => {
      const parsed = parseMoney(text);
      if (!parsed.ok)
        throw new UsineError('USINE_INVALID_REQUEST', parsed.message, [{ path, message: parsed.message }]);
      return parsed.money;
    };
    const decimal = (text: string) => parseDecimal(text) ?? { coefficient: 0n, scale: 0 };
    const tax = body.taxRate === undefined ? undefined : parseTaxRate(body.taxRate);
    if (tax && !tax.ok) throw invalidField(tax.path, tax.message);
    const settings: BillingSettings = {
      taxRate: tax ? tax.rate : current.taxRate,
      taxLabel: tax ? tax.label : current.taxLabel,
      statementCurrency:
        body.statementCurrency === undefined ? current.statementCurrency : body.statementCurrency,
      markups:
        body.markups === undefined
          ? current.markups
          : new Map(Object.entries(body.markups).map(([p, m]) => [p, decimal(m)])),
      commitments:
        body.commitments === undefined
          ? current.commitments
          : body.commitments.map((c, i) => ({
              ...c,
              pricePerGpuHour: money(c.pricePerGpuHour, `commitments[${i}].pricePerGpuHour`),
              overagePricePerGpuHour: money(
                c.overagePricePerGpuHour,
                `commitments[${i}].overagePricePerGpuHour`,
              ),
            })),
    };
    await tx.putBillingSettings(tenantId, settings, at);
    await tx.appendAudit({
      at,
      actor: principal.keyId,
      tenantId,
      action: 'billing.set',
      subject: tenantId,
      data: body,
    });
  });
}
