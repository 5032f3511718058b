import type { DecisionContext } from './decision-context.js';
import { bitOf, collectFailing, REASON_ORDER } from './check-site.js';
import { describeCandidateFailures, describeSiteFailure } from './describe-rejection.js';
import {
  describeBudgetFailure,
  describeCapabilityShortfall,
  describeQuotaShortfall,
  type BudgetFailure,
} from './describe-admission.js';
import type { SiteRejection } from './place-job.js';
import type { PreparedSite } from './prepare-catalog.js';
import type { ReasonCode, RejectionReason } from './rejection-reason.js';

/** Codes decided per way to run (offering × capacity row); the others hold for the whole site. */
const CANDIDATE_CODES: ReadonlySet<ReasonCode> = new Set(['GPU_MEMORY', 'CAPACITY', 'PRICE_CAP', 'CURRENCY']);

/**
 * The rejected sites of a decision, from the reason masks its scan kept: each with all its
 * codes in order, each sentence written when first read (and kept).
 */
export function buildRejections(
  sites: readonly number[],
  masks: readonly number[],
  context: DecisionContext,
  budgetFailures: ReadonlyMap<number, BudgetFailure> = new Map(),
): SiteRejection[] {
  const rejections: SiteRejection[] = [];
  for (let k = 0; k < sites.length; k++) {
    const site = context.prepared.sites[sites[k] as number] as PreparedSite;
    const budget = budgetFailures.get(site.index);
    rejections.push({
      site: site.site.name,
      reasons: buildReasons(site, masks[k] as number, context, budget),
    });
  }
  return rejections;
}

function buildReasons(
  site: PreparedSite,
  mask: number,
  context: DecisionContext,
  budget: BudgetFailure | undefined,
): RejectionReason[] {
  const reasons: RejectionReason[] = [];
  for (const code of REASON_ORDER) {
    const bit = bitOf(code);
    if ((mask & bit) === 0) continue;
    reasons.push(lazyReason(code, () => describe(code, bit, site, context, budget)));
  }
  return reasons;
}

function describe(
  code: ReasonCode,
  bit: number,
  site: PreparedSite,
  context: DecisionContext,
  budget: BudgetFailure | undefined,
): string {
  if (CANDIDATE_CODES.has(code))
    return describeCandidateFailures(code, collectFailing(site, bit, context), context);
  if (code === 'CAPABILITY') return describeCapabilityShortfall(site, context);
  if (code === 'EXCEEDS_QUOTA') return describeQuotaShortfall(site, context);
  if (code === 'BUDGET') return describeBudgetFailure(budget);
  return describeSiteFailure(code, site, context);
}

/** A reason whose sentence is written on first read (and kept). */
function lazyReason(code: ReasonCode, describe: () => string): RejectionReason {
  let text: string | undefined;
  return {
    code,
    get message(): string {
      text ??= describe();
      return text;
    },
  };
}
