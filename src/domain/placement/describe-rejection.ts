import { describeRegion } from '../geo/region.js';
import { formatMoney } from '../money/money.js';
import { compareAmounts } from './compare-amounts.js';
import type { DecisionContext } from './decision-context.js';
import { describePrice } from './describe-price.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import type { ReasonCode } from './rejection-reason.js';
import { describeCapacityShortfall, holdsValid } from './shortfall.js';

/** Ways to run listed in one sentence before "and N more". */
const MAX_LISTED = 4;

const from = (sources: readonly string[]) => (sources.length > 0 ? ` (${sources.join('; ')})` : '');

/** The sentence of a site-wide rejection (allow-list, residency, jurisdiction, certification, model). */
export function describeSiteFailure(
  code: ReasonCode,
  prepared: PreparedSite,
  context: DecisionContext,
): string {
  const { site } = prepared;
  const c = context.constraints;
  switch (code) {
    case 'SITE_NOT_ALLOWED':
      return `${site.name} is not in the allowed sites ${c.sites?.join(', ') || '(none)'}${from(c.siteSources)}`;
    case 'RESIDENCY':
      return `the site is in ${site.country}, outside the residency ${describeRegion(c.residency)}${from(c.residencySources)}`;
    case 'JURISDICTION': {
      const inside: readonly string[] = c.jurisdiction.kind === 'any' ? [] : c.jurisdiction.countries;
      const outside = prepared.parties.filter((p) => p.country === undefined || !inside.includes(p.country));
      const who = outside
        .map((p) =>
          p.country === undefined
            ? `the operator ${p.name} is not in the catalog`
            : `${p.role === 'operator' ? 'its operator' : 'its parent'} ${p.name} is under ${p.country} law`,
        )
        .join(', ');
      return `${who}, outside the jurisdiction ${describeRegion(c.jurisdiction)}${from(c.jurisdictionSources)}`;
    }
    case 'CERTIFICATION':
      return c.sourcedCertifications
        .filter((wanted) => !holdsValid(prepared, wanted.name, context.at))
        .map((wanted) => {
          const held = prepared.certifications.get(wanted.name.toLowerCase());
          return held
            ? `${held.name} expired on ${held.expires} (required by ${wanted.source})`
            : `no ${wanted.name} (required by ${wanted.source})`;
        })
        .join('; ');
    case 'GPU_MODEL': {
      const wanted = context.job.resources.gpuModels.join(', ') || 'any GPU';
      const accepted = prepared.candidates.filter(
        (k) => !context.acceptedModels || context.acceptedModels.has(k.modelKey),
      );
      return accepted.length > 0
        ? `the site sells ${wanted} only as spot, and the job is not preemptible (spec.preemptible)`
        : `the site has ${prepared.models.join(', ') || 'no GPU on sale'}; the job accepts ${wanted} (spec.resources.gpuModels)`;
    }
    default:
      return code;
  }
}

/** The sentence of an offering-level rejection: what each failing way to run lacks. */
export function describeCandidateFailures(
  code: ReasonCode,
  candidates: readonly PreparedCandidate[],
  context: DecisionContext,
): string {
  const texts: string[] = [];
  for (const candidate of candidates) {
    const text = describeCandidate(code, candidate, context);
    if (!texts.includes(text)) texts.push(text);
  }
  const shown = texts.slice(0, MAX_LISTED).join('; ');
  return texts.length > MAX_LISTED ? `${shown}; and ${texts.length - MAX_LISTED} more` : shown;
}

function describeCandidate(code: ReasonCode, candidate: PreparedCandidate, context: DecisionContext): string {
  const { row, offering } = candidate;
  const label = `${row.gpuModel} ${row.gpuMemoryGiB} GiB`;
  const own = offering.pricePerGpuHour;
  switch (code) {
    case 'GPU_MEMORY':
      return `${label} is below the ${context.job.resources.gpuMemoryGiB} GiB per GPU asked (spec.resources.gpuMemoryGiB)`;
    case 'CAPACITY':
      return `${label}: ${describeCapacityShortfall(candidate, context)}`;
    case 'PRICE_CAP': {
      const over = context.caps.filter(({ amount, prices }) => {
        const price = prices[candidate.index];
        return price !== undefined && compareAmounts(price.amount, amount) > 0;
      });
      const shown = over[0]?.prices[candidate.index] ?? own;
      const caps = over.map(({ cap }) => `${formatMoney(cap.cap)} (${cap.source})`).join(' and ');
      return `${row.gpuModel} ${offering.kind} at ${describePrice(own, shown)} per GPU-hour is above the cap ${caps}`;
    }
    case 'CURRENCY': {
      const missing = [
        ...(context.tenantPrices[candidate.index]
          ? []
          : [`${context.constraints.currency} (the tenant's currency)`]),
        ...context.caps
          .filter(({ prices }) => !prices[candidate.index])
          .map(({ cap }) => `${cap.cap.currency} (the cap of ${cap.source})`),
      ];
      return `no exchange rate from ${own.currency} to ${[...new Set(missing)].join(' or ')} for ${row.gpuModel} ${offering.kind}`;
    }
    default:
      return code;
  }
}
