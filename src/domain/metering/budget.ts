import { multiplyDecimals, type Decimal } from '../money/decimal.js';
import type { Money } from '../money/money.js';
import { exactFromDecimal, sumAmounts, type ExactAmount } from './exact-amount.js';
import { MILLI_GPU_MS_PER_GPU_HOUR } from './usage-record.js';

/** The thresholds at which a budget raises an alert, in percent. */
export const BUDGET_THRESHOLDS = [50, 80, 100] as const;

/** `tenant`, or `project:NAME`. */
export type BudgetScope = string;

export interface Budget {
  readonly scope: BudgetScope;
  /** A monthly limit in money or in GPU-hours. */
  readonly limit: { readonly money: Money } | { readonly gpuHours: Decimal };
  readonly period: 'month';
  /** At 100 %: new jobs wait in the queue, or are rejected. */
  readonly onExceeded: 'wait' | 'reject';
  /** At 100 %: stop running preemptible (spot) jobs too. */
  readonly stopPreemptible: boolean;
}

/** What a budget's scope has used this month: exact cost per currency and the quantity. */
export interface BudgetSpend {
  readonly costs: readonly ExactAmount[];
  /** milli-GPU × ms. */
  readonly quantity: bigint;
}

export interface BudgetStatus {
  /** Used share of the limit in percent, rounded down (may exceed 100). */
  readonly percent: number;
  /** Thresholds reached, from BUDGET_THRESHOLDS. */
  readonly reached: readonly number[];
  readonly isExhausted: boolean;
}

export function projectOfScope(scope: BudgetScope): string | null {
  return scope.startsWith('project:') ? scope.slice('project:'.length) : null;
}

export function isBudgetScope(scope: string): boolean {
  return scope === 'tenant' || /^project:[A-Za-z0-9._-]+$/.test(scope);
}

/**
 * How much of its budget a scope has used, compared exactly: a money limit counts the cost
 * in the limit's currency (spend in other currencies is not counted: budgets are set in the
 * currency of the offerings used); a GPU-hour limit counts every GPU-second.
 */
export function assessBudget(budget: Budget, spend: BudgetSpend): BudgetStatus {
  // used / limit as a fraction n / d of bigints
  let n: bigint;
  let d: bigint;
  if ('money' in budget.limit) {
    const limit = exactFromDecimal(budget.limit.money.amount, budget.limit.money.currency);
    const used = spend.costs.filter((c) => c.currency === limit.currency);
    // Σ used_i = Σ a_i / b_i; compare with limit.numerator / limit.denominator
    const common = used.reduce((p, c) => p * c.denominator, 1n);
    const sum = used.reduce((s, c) => s + (c.numerator * common) / c.denominator, 0n);
    n = sum * limit.denominator;
    d = common * limit.numerator;
  } else {
    const hours = budget.limit.gpuHours;
    n = spend.quantity * 10n ** BigInt(hours.scale);
    d = multiplyDecimals(hours, { coefficient: MILLI_GPU_MS_PER_GPU_HOUR, scale: 0 }).coefficient;
  }
  // a limit of zero is spent before anything runs: nothing may start
  if (d <= 0n) return { percent: 100, reached: [...BUDGET_THRESHOLDS], isExhausted: true };
  const percent = Number((n * 100n) / d);
  return {
    percent,
    reached: BUDGET_THRESHOLDS.filter((t) => n * 100n >= BigInt(t) * d),
    isExhausted: n >= d,
  };
}

/**
 * Whether a job estimated at `cost` still fits a money budget: spend + cost ≤ limit, exactly.
 * A GPU-hour budget, or a cost in another currency, is not judged here (true).
 */
export function isWithinBudget(budget: Budget, spend: BudgetSpend, cost: Money): boolean {
  if (!('money' in budget.limit) || budget.limit.money.currency !== cost.currency) return true;
  const limit = exactFromDecimal(budget.limit.money.amount, cost.currency);
  const after = sumAmounts(
    [
      ...spend.costs.filter((c) => c.currency === cost.currency),
      exactFromDecimal(cost.amount, cost.currency),
    ],
    cost.currency,
  );
  return after.numerator * limit.denominator <= limit.numerator * after.denominator;
}
