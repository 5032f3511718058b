import type { Money } from '../money/money.js';
import type { DecisionContext } from './decision-context.js';
import { describeCandidateFailures, describeSiteFailure } from './describe-rejection.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import { compareAmounts } from './compare-amounts.js';
import { describeCapacityShortfall, holdsValid } from './shortfall.js';
import type { ReasonCode, RejectionReason } from './rejection-reason.js';

/** The failures of one way to run, as bits: cheap to collect over thousands of offerings. */
const CANDIDATE_CODES = ['GPU_MEMORY', 'CAPACITY', 'PRICE_CAP', 'CURRENCY'] as const;
const GPU_MEMORY = 1;
const CAPACITY = 2;
const PRICE_CAP = 4;
const CURRENCY = 8;

/** The order reasons are listed in, the order of the brief's filters. */
const ORDER: readonly ReasonCode[] = [
  'SITE_NOT_ALLOWED',
  'RESIDENCY',
  'JURISDICTION',
  'CERTIFICATION',
  'GPU_MODEL',
  'GPU_MEMORY',
  'CAPACITY',
  'PRICE_CAP',
  'CURRENCY',
  'BUDGET',
];

/**
 * Checks one site against every hard filter, never stopping at the first failure: the
 * site-wide rules (allow-list, residency, jurisdiction, certifications), then each way to run
 * there (offering × capacity row of an acceptable GPU model and offering kind). The site is
 * rejected when no way passes; its reasons are then the site-wide failures and every failure of
 * every way. Messages are written when first read: a decision over thousands of sites does not
 * pay for sentences nobody looks at.
 */
export function checkSite(
  site: PreparedSite,
  context: DecisionContext,
  onFeasible: (candidate: PreparedCandidate, tenantPrice: Money) => void,
): readonly RejectionReason[] {
  const siteCodes = checkSiteRules(site, context);
  const failing: (PreparedCandidate[] | undefined)[] = [undefined, undefined, undefined, undefined];
  let accepted = 0;
  let feasible = 0;
  const models = context.acceptedModels ? [...context.acceptedModels] : undefined;
  const lists = models ? models.map((m) => site.candidatesByModel.get(m)) : [site.candidates];
  for (const list of lists) {
    if (!list) continue;
    for (const candidate of list) {
      if (candidate.isSpot && !context.job.preemptible) continue;
      accepted += 1;
      const mask = checkCandidate(candidate, context);
      if (mask === 0) {
        if (siteCodes.length === 0) {
          feasible += 1;
          onFeasible(candidate, context.tenantPrices[candidate.index] as Money);
        }
        continue;
      }
      for (let bit = 0; bit < CANDIDATE_CODES.length; bit++) {
        if (mask & (1 << bit)) (failing[bit] ??= []).push(candidate);
      }
    }
  }
  if (feasible > 0) return [];
  const codes: ReasonCode[] = [...siteCodes];
  if (accepted === 0) codes.push('GPU_MODEL');
  CANDIDATE_CODES.forEach((code, bit) => {
    if (failing[bit]) codes.push(code);
  });
  codes.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return codes.map((code) => {
    const bit = (CANDIDATE_CODES as readonly string[]).indexOf(code);
    return bit >= 0
      ? lazyReason(code, () => describeCandidateFailures(code, failing[bit] ?? [], context))
      : lazyReason(code, () => describeSiteFailure(code, site, context));
  });
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

/** The rules that hold for the whole site, whatever GPU it would run on. */
function checkSiteRules(prepared: PreparedSite, context: DecisionContext): ReasonCode[] {
  const { site } = prepared;
  const codes: ReasonCode[] = [];
  if (context.allowedSites && !context.allowedSites.has(site.name)) codes.push('SITE_NOT_ALLOWED');
  if (context.residency && !context.residency.has(site.country)) codes.push('RESIDENCY');
  const jurisdiction = context.jurisdiction;
  if (jurisdiction && prepared.parties.some((p) => p.country === undefined || !jurisdiction.has(p.country))) {
    codes.push('JURISDICTION');
  }
  if (context.constraints.sourcedCertifications.some((c) => !holdsValid(prepared, c.name, context.at))) {
    codes.push('CERTIFICATION');
  }
  return codes;
}

/** The failures of one way to run, as a bit mask (0: it passes). */
function checkCandidate(candidate: PreparedCandidate, context: DecisionContext): number {
  const { row } = candidate;
  const { job } = context;
  let mask = 0;
  const wantedMemory = job.resources.gpuMemoryGiB;
  if (wantedMemory !== undefined && row.gpuMemoryGiB < wantedMemory) mask |= GPU_MEMORY;
  if (describeCapacityShortfall(candidate, context, false) !== undefined) mask |= CAPACITY;
  if (!context.tenantPrices[candidate.index]) mask |= CURRENCY;
  for (const { amount, prices } of context.caps) {
    const price = prices[candidate.index];
    if (!price) mask |= CURRENCY;
    else if (compareAmounts(price.amount, amount) > 0) mask |= PRICE_CAP;
  }
  return mask;
}
