import type { Money } from '../money/money.js';
import type { DecisionContext } from './decision-context.js';
import { formatCost } from './placement-view.js';
import type { PreparedSite } from './prepare-catalog.js';
import type { BudgetState } from './site-facts.js';
import { measureQuotaCeiling } from './tenant-quota-at-site.js';

/** Why a budget rejects a site: it is spent, or this site's estimate would overrun it. */
export interface BudgetFailure {
  readonly state: BudgetState;
  /** The estimated cost there; undefined when the budget is spent whatever the cost. */
  readonly cost: Money | undefined;
}

/** The CAPABILITY sentence: what the job needs that the site's backend cannot do. */
export function describeCapabilityShortfall(prepared: PreparedSite, context: DecisionContext): string {
  const can = context.sites?.get(prepared.site.name)?.capabilities;
  const backend = `the ${prepared.site.backend.type} backend of ${prepared.site.name}`;
  const lacks: string[] = [];
  if (context.needs.containers && can?.containers === false)
    lacks.push('cannot run container images (spec.image)');
  if (context.needs.fractionalGpus && can?.fractionalGpus === false)
    lacks.push(`cannot give a job a fraction of a GPU (spec.resources.gpus: ${context.job.resources.gpus})`);
  if (context.needs.services && can?.services === false) lacks.push('cannot run services (kind: Service)');
  return `${backend} ${lacks.join(' and ')}`;
}

/** The EXCEEDS_QUOTA sentence: per accepted model, the most the tenant could ever hold there. */
export function describeQuotaShortfall(prepared: PreparedSite, context: DecisionContext): string {
  const quota = context.sites?.get(prepared.site.name)?.quota;
  if (!quota) return 'EXCEEDS_QUOTA';
  const needs = context.totalMilli / 1000;
  const parts: string[] = [];
  for (const model of prepared.models) {
    const key = model.toLowerCase();
    if (context.acceptedModels && !context.acceptedModels.has(key)) continue;
    const ceiling = measureQuotaCeiling(quota, key, context.isBorrowing);
    if (context.totalMilli <= ceiling) continue;
    const nominal = (quota.nominalMilli.get(key) ?? 0) / 1000;
    const held =
      nominal === 0 && !context.isBorrowing
        ? `has no ${model} quota on ${prepared.site.name}`
        : `may hold at most ${ceiling / 1000} ${model} on ${prepared.site.name} (nominal quota ${nominal})`;
    parts.push(`tenant ${quota.tenant} ${held} and the job needs ${needs}`);
  }
  const rule = context.isBorrowing ? '' : ' (only preemptible work may borrow above a nominal quota)';
  return `${parts.join('; ')}${rule}`;
}

/** The BUDGET sentence. */
export function describeBudgetFailure(failure: BudgetFailure | undefined): string {
  if (!failure) return 'BUDGET';
  const { budget, status } = failure.state;
  return failure.cost === undefined
    ? `the budget ${budget.scope} is spent (${status.percent} % this month)`
    : `the estimated cost ${formatCost(failure.cost)} would overrun the budget ${budget.scope}`;
}
