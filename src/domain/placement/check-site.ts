import { compareAmounts } from './compare-amounts.js';
import type { Money } from '../money/money.js';
import type { CandidateColumns } from './candidate-columns.js';
import type { CapColumn, DecisionContext } from './decision-context.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import type { ReasonCode } from './rejection-reason.js';
import type { SiteCapabilities } from './site-facts.js';

/**
 * The reasons of a rejection as bits, in the order they are listed (the order of the brief's
 * filters): a decision over a thousand sites keeps one integer per site and writes reasons
 * only when they are read.
 */
export const REASON_ORDER: readonly ReasonCode[] = [
  'SITE_NOT_ALLOWED',
  'RESIDENCY',
  'JURISDICTION',
  'CERTIFICATION',
  'GPU_MODEL',
  'GPU_MEMORY',
  'CAPACITY',
  'PRICE_CAP',
  'CURRENCY',
  'CAPABILITY',
  'EXCEEDS_QUOTA',
  'BUDGET',
];
const SITE_NOT_ALLOWED = 1 << 0;
const RESIDENCY = 1 << 1;
const JURISDICTION = 1 << 2;
const CERTIFICATION = 1 << 3;
export const GPU_MODEL = 1 << 4;
const GPU_MEMORY = 1 << 5;
const CAPACITY = 1 << 6;
const PRICE_CAP = 1 << 7;
const CURRENCY = 1 << 8;
const CAPABILITY = 1 << 9;
export const EXCEEDS_QUOTA = 1 << 10;
export const BUDGET = 1 << 11;

/** The bit of a reason code. */
export function bitOf(code: ReasonCode): number {
  return 1 << REASON_ORDER.indexOf(code);
}

/** The rules that hold for the whole site, whatever GPU it would run on, as a mask (0: passes). */
export function checkSiteRules(prepared: PreparedSite, context: DecisionContext): number {
  let mask = 0;
  if (context.allowedSites && !context.allowedSites.has(prepared.site.name)) mask |= SITE_NOT_ALLOWED;
  const residency = context.isInResidency;
  if (residency && residency[prepared.countryId] !== 1) mask |= RESIDENCY;
  const jurisdiction = context.isInJurisdiction;
  if (jurisdiction) {
    const seats = prepared.partyCountryIds;
    for (let p = 0; p < seats.length; p++) {
      const seat = seats[p] as number;
      if (seat < 0 || jurisdiction[seat] !== 1) {
        mask |= JURISDICTION;
        break;
      }
    }
  }
  const capabilities = context.sites?.get(prepared.site.name)?.capabilities;
  if (capabilities && lacksCapability(capabilities, context)) mask |= CAPABILITY;
  const keys = context.certificationKeys;
  for (let c = 0; c < keys.length; c++) {
    // Valid until the end of its expiry day (catalog/certification.ts), computed once per catalog.
    const until = prepared.certificationValidUntil.get(keys[c] as string);
    if (until === undefined || !(context.atMs < until)) {
      mask |= CERTIFICATION;
      break;
    }
  }
  return mask;
}

/** True when the backend lacks something the job needs (what describeCapabilityShortfall names). */
function lacksCapability(capabilities: SiteCapabilities, context: DecisionContext): boolean {
  return (
    (context.needs.containers && !capabilities.containers) ||
    (context.needs.fractionalGpus && !capabilities.fractionalGpus) ||
    (context.needs.services && !capabilities.services)
  );
}

/**
 * What checking one way to run reads, flattened for a decision: the catalog's columns and the
 * job's wants as numbers (-Infinity where it asks nothing: no row is ever short of it).
 */
export interface CandidateCheck extends Pick<
  CandidateColumns,
  'modelId' | 'isSpot' | 'gpuMemoryGiB' | 'gpusPerNode' | 'nodes' | 'cpusPerNode' | 'memoryGiBPerNode'
> {
  /** By model id (1: accepted); undefined: any model. */
  readonly isModelAccepted: Uint8Array | undefined;
  readonly isSpotAccepted: boolean;
  readonly wantedGpuMemoryGiB: number;
  readonly wantedGpusPerNode: number;
  readonly wantedNodes: number;
  readonly wantedCpus: number;
  readonly wantedMemoryGiB: number;
  readonly tenantUnits: Float64Array;
  readonly tenantPrices: readonly (Money | undefined)[];
  readonly caps: readonly CapColumn[];
}

/** True when the candidate is a way to run the job at all: an accepted model and offering kind. */
export function isCandidateAccepted(index: number, k: CandidateCheck): boolean {
  const accepted = k.isModelAccepted;
  if (accepted !== undefined && accepted[k.modelId[index] as number] !== 1) return false;
  return k.isSpotAccepted || k.isSpot[index] !== 1;
}

/** The failures of one way to run, as a mask (0: it passes); numbers only, nothing allocated. */
export function checkCandidate(index: number, k: CandidateCheck): number {
  let mask = 0;
  if ((k.gpuMemoryGiB[index] as number) < k.wantedGpuMemoryGiB) mask |= GPU_MEMORY;
  if (
    !((k.gpusPerNode[index] as number) >= k.wantedGpusPerNode) ||
    !((k.nodes[index] as number) >= k.wantedNodes) ||
    (k.cpusPerNode[index] as number) < k.wantedCpus ||
    (k.memoryGiBPerNode[index] as number) < k.wantedMemoryGiB
  ) {
    mask |= CAPACITY;
  }
  const tenant = k.tenantUnits[index] as number;
  if (tenant !== tenant && k.tenantPrices[index] === undefined) mask |= CURRENCY;
  const caps = k.caps;
  for (let c = 0; c < caps.length; c++) mask |= checkCap(index, caps[c] as CapColumn);
  return mask;
}

function checkCap(index: number, cap: CapColumn): number {
  const units = cap.units[index] as number;
  if (units === units && cap.amountUnits === cap.amountUnits) return units > cap.amountUnits ? PRICE_CAP : 0;
  const price = cap.prices[index];
  if (!price) return CURRENCY;
  return compareAmounts(price.amount, cap.amount) > 0 ? PRICE_CAP : 0;
}

/**
 * The ways to run on a rejected site that fail with `bit`, in the order the sentences list
 * them: by accepted model as the job names them, then as the catalog lists them.
 */
export function collectFailing(
  prepared: PreparedSite,
  bit: number,
  context: DecisionContext,
): PreparedCandidate[] {
  const lists = context.acceptedModels
    ? [...context.acceptedModels].map((m) => prepared.candidatesByModel.get(m) ?? [])
    : [prepared.candidates];
  const failing: PreparedCandidate[] = [];
  const check = context.check;
  for (const list of lists) {
    for (const candidate of list) {
      if (!isCandidateAccepted(candidate.index, check)) continue;
      if (checkCandidate(candidate.index, check) & bit) failing.push(candidate);
    }
  }
  return failing;
}
