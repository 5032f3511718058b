import { isCertificationValid } from '../catalog/certification.js';
import { describeRegion } from '../geo/region.js';
import { compareDecimals } from '../money/decimal.js';
import { formatMoney, type Money } from '../money/money.js';
import type { DecisionContext } from './decision-context.js';
import { describePrice } from './describe-price.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import { REASON_CODES, type ReasonCode, type RejectionReason } from './rejection-reason.js';

/** A candidate that passed every filter, with its price in the tenant's currency. */
export interface FeasibleCandidate {
  readonly site: PreparedSite;
  readonly candidate: PreparedCandidate;
  readonly tenantPrice: Money;
}

export interface SiteCheck {
  /** Every reason the site cannot take the job; empty when some candidate is feasible. */
  readonly reasons: readonly RejectionReason[];
  readonly feasible: readonly FeasibleCandidate[];
}

const from = (sources: readonly string[]) => (sources.length > 0 ? ` (${sources.join('; ')})` : '');

/**
 * Checks one site against every hard filter, never stopping at the first failure: the
 * site-wide rules (allow-list, residency, jurisdiction, certifications), then each way to run
 * there (offering × capacity row of an acceptable GPU model). The site is rejected when no way
 * passes; its reasons are then the site-wide failures and every failure of every way.
 */
export function checkSite(site: PreparedSite, context: DecisionContext): SiteCheck {
  const reasons: RejectionReason[] = [...checkSiteRules(site, context)];
  const byCode = new Map<ReasonCode, string[]>();
  const note = (code: ReasonCode, message: string) => {
    const list = byCode.get(code);
    if (!list) byCode.set(code, [message]);
    else if (!list.includes(message)) list.push(message);
  };
  const feasible: FeasibleCandidate[] = [];
  const { job, acceptedModels } = context;
  let acceptedCount = 0;
  let spotOnly = 0;
  for (const candidate of site.candidates) {
    if (acceptedModels && !acceptedModels.has(candidate.modelKey)) continue;
    if (candidate.offering.kind === 'spot' && !job.preemptible) {
      spotOnly += 1;
      continue;
    }
    acceptedCount += 1;
    const tenantPrice = checkCandidate(candidate, context, note);
    if (tenantPrice && reasons.length === 0) feasible.push({ site, candidate, tenantPrice });
  }
  if (acceptedCount === 0) {
    const wanted = job.resources.gpuModels.join(', ') || 'any GPU';
    note(
      'GPU_MODEL',
      spotOnly > 0
        ? `the site sells ${wanted} only as spot, and the job is not preemptible (spec.preemptible)`
        : `the site has ${site.models.join(', ') || 'no GPU on sale'}; the job accepts ${wanted} (spec.resources.gpuModels)`,
    );
  }
  if (feasible.length > 0) return { reasons: [], feasible };
  for (const code of REASON_CODES) {
    const messages = byCode.get(code);
    if (messages) reasons.push({ code, message: messages.join('; ') });
  }
  reasons.sort((a, b) => REASON_CODES.indexOf(a.code) - REASON_CODES.indexOf(b.code));
  return { reasons, feasible: [] };
}

/** The rules that hold for the whole site, whatever GPU it would run on. */
function checkSiteRules(prepared: PreparedSite, context: DecisionContext): RejectionReason[] {
  const { site } = prepared;
  const c = context.constraints;
  const reasons: RejectionReason[] = [];
  if (context.allowedSites && !context.allowedSites.has(site.name)) {
    reasons.push({
      code: 'SITE_NOT_ALLOWED',
      message: `${site.name} is not in the allowed sites ${c.sites?.join(', ') || '(none)'}${from(c.siteSources)}`,
    });
  }
  if (context.residency && !context.residency.has(site.country)) {
    reasons.push({
      code: 'RESIDENCY',
      message: `the site is in ${site.country}, outside the residency ${describeRegion(c.residency)}${from(c.residencySources)}`,
    });
  }
  if (context.jurisdiction) {
    const outside = prepared.parties.filter(
      (p) => p.country === undefined || !context.jurisdiction?.has(p.country),
    );
    if (outside.length > 0) {
      const who = outside
        .map((p) =>
          p.country === undefined
            ? `the operator ${p.name} is not in the catalog`
            : `${p.role === 'operator' ? 'its operator' : 'its parent'} ${p.name} is under ${p.country} law`,
        )
        .join(', ');
      reasons.push({
        code: 'JURISDICTION',
        message: `${who}, outside the jurisdiction ${describeRegion(c.jurisdiction)}${from(c.jurisdictionSources)}`,
      });
    }
  }
  const missing: string[] = [];
  for (const wanted of c.sourcedCertifications) {
    const held = prepared.certifications.get(wanted.name.toLowerCase());
    if (!held) missing.push(`no ${wanted.name} (required by ${wanted.source})`);
    else if (!isCertificationValid(held, context.at)) {
      missing.push(`${held.name} expired on ${held.expires} (required by ${wanted.source})`);
    }
  }
  if (missing.length > 0) reasons.push({ code: 'CERTIFICATION', message: missing.join('; ') });
  return reasons;
}

/** Notes every failure of one way to run; returns its price in the tenant's currency when it has none. */
function checkCandidate(
  candidate: PreparedCandidate,
  context: DecisionContext,
  note: (code: ReasonCode, message: string) => void,
): Money | undefined {
  const { row, offering } = candidate;
  const { job, constraints } = context;
  const label = `${row.gpuModel} ${row.gpuMemoryGiB} GiB`;
  let passes = true;
  const wantedMemory = job.resources.gpuMemoryGiB;
  if (wantedMemory !== undefined && row.gpuMemoryGiB < wantedMemory) {
    note(
      'GPU_MEMORY',
      `${label} is below the ${wantedMemory} GiB per GPU asked (spec.resources.gpuMemoryGiB)`,
    );
    passes = false;
  }
  const capacity = describeCapacityShortfall(candidate, context);
  if (capacity) {
    note('CAPACITY', `${label}: ${capacity}`);
    passes = false;
  }
  const tenantPrice = context.tenantPrices[candidate.index];
  if (!tenantPrice) {
    note(
      'CURRENCY',
      `no exchange rate from ${offering.pricePerGpuHour.currency} to ${constraints.currency} (the tenant's currency) for ${row.gpuModel} ${offering.kind}`,
    );
    passes = false;
  }
  const exceeded: string[] = [];
  let shown: Money | undefined;
  for (const { cap, prices } of context.caps) {
    const price = prices[candidate.index];
    if (!price) {
      note(
        'CURRENCY',
        `no exchange rate from ${offering.pricePerGpuHour.currency} to ${cap.cap.currency} to compare ${row.gpuModel} ${offering.kind} with the cap (${cap.source})`,
      );
      passes = false;
    } else if (compareDecimals(price.amount, cap.cap.amount) > 0) {
      exceeded.push(`${formatMoney(cap.cap)} (${cap.source})`);
      shown ??= price;
      passes = false;
    }
  }
  if (shown) {
    note(
      'PRICE_CAP',
      `${row.gpuModel} ${offering.kind} at ${describePrice(offering.pricePerGpuHour, shown)} per GPU-hour is above the cap ${exceeded.join(' and ')}`,
    );
  }
  return passes ? tenantPrice : undefined;
}

/** Why a capacity row cannot hold the gang, or undefined when it can. */
function describeCapacityShortfall(
  candidate: PreparedCandidate,
  context: DecisionContext,
): string | undefined {
  const { row } = candidate;
  const { job, gpusPerNode } = context;
  const { nodes, cpus, memoryGiB } = job.resources;
  const problems: string[] = [];
  if (row.gpusPerNode < gpusPerNode)
    problems.push(`${row.gpusPerNode} GPUs per node, the job needs ${gpusPerNode}`);
  if (row.nodes < nodes) problems.push(`${row.nodes} node(s), the job needs ${nodes} (gang)`);
  if (cpus !== undefined && row.cpusPerNode !== undefined && row.cpusPerNode < cpus) {
    problems.push(`${row.cpusPerNode} CPUs per node, the job needs ${cpus}`);
  }
  if (memoryGiB !== undefined && row.memoryGiBPerNode !== undefined && row.memoryGiBPerNode < memoryGiB) {
    problems.push(`${row.memoryGiBPerNode} GiB memory per node, the job needs ${memoryGiB}`);
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}
