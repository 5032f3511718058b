import {
  checkCandidate,
  checkSiteRules,
  EXCEEDS_QUOTA,
  GPU_MODEL,
  isCandidateAccepted,
} from './check-site.js';
import type { DecisionContext } from './decision-context.js';
import { estimateCandidateCarbonKg } from './build-option.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import {
  compareRankValues,
  TIER_LATE,
  TIER_ON_TIME,
  TIER_PREFERRED,
  type RankTable,
} from './rank-options.js';
import { estimateStart } from './site-load.js';
import { measureQuotaCeiling } from './tenant-quota-at-site.js';

/**
 * What one pass over the catalog keeps: one integer per site, and the decision. The other
 * rank values of a site's best way (billed seconds, preference, carbon) are recomputed from
 * the catalog when the full ranking is read (rankTableOf); only the expected start, which
 * depends on the live load, is kept.
 */
export interface SiteScan {
  /**
   * Per site in catalog order: the candidate index of its best way to run (≥ 0) when the
   * site is feasible, else the bitwise complement of its reasons' mask (check-site.ts).
   */
  readonly outcome: Int32Array;
  /** Per site, the expected start of its best way; undefined without live load (all 0). */
  readonly startSeconds: Float64Array | undefined;
  /** How many sites are feasible. */
  readonly feasibleCount: number;
  /** The best feasible site (index), -1: none; the first in rank order, catalog order on ties. */
  readonly bestSite: number;
  readonly bestTier: number;
  readonly bestStart: number;
  readonly bestBilled: number;
}

/**
 * Checks every site against every hard filter, never stopping at the first failure: the
 * site-wide rules, then each way to run there (offering × capacity row of an accepted GPU
 * model and offering kind). A site is rejected when no way passes, with the site-wide
 * failures and every failure of every way; otherwise its best way (rank order) is kept, and
 * the best of all sites is selected as the scan goes (the decision needs no sort).
 * The loop reads typed arrays and allocates one Int32Array (and the starts with a load).
 */
export function scanSites(context: DecisionContext): SiteScan {
  const { sites } = context.prepared;
  const { check, rank, job, constraints } = context;
  const minimumSeconds = context.prepared.columns.minimumSeconds;
  const duration = job.duration;
  const isCarbon = constraints.objective === 'carbon';
  const acceptedModels = check.isModelAccepted;
  const outcome = new Int32Array(sites.length);
  const startSeconds = context.load === undefined ? undefined : new Float64Array(sites.length);
  const hasPreferred = context.preferredSites.size > 0;
  let feasibleCount = 0;
  let top = -1;
  let topSite = -1;
  let topTier = 0;
  let topStart = 0;
  let topCarbon = Number.NaN;
  let topBilled = 0;
  let topClaimed = 0;
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s] as PreparedSite;
    const siteMask = checkSiteRules(site, context);
    const load = context.load === undefined ? undefined : context.load.get(site.site.name);
    const isPreferredSite = hasPreferred && context.preferredSites.has(site.site.name);
    const isLateSite = context.lateSites !== undefined && context.lateSites.has(site.site.name);
    const claimed = load === undefined ? 0 : (load.claimedShare ?? 0);
    const quota = context.sites === undefined ? undefined : context.sites.get(site.site.name)?.quota;
    // Without the site's grid intensity every carbon figure there is unknown (NaN).
    const hasCarbon = isCarbon && site.gridCarbonGPerKWh !== undefined;
    let failures = 0;
    let accepted = 0;
    let best = -1;
    let bestTier = 0;
    let bestStart = 0;
    let bestCarbon = Number.NaN;
    let bestBilled = 0;
    // Only the ranges of accepted models: the others are no way to run the job at all.
    const ranges = site.modelRanges;
    for (let r = 0; r < ranges.length; r += 3) {
      if (acceptedModels !== undefined && acceptedModels[ranges[r] as number] !== 1) continue;
      // One model per range: its expected start is computed once, on the first way that passes.
      let start = -1;
      // The tenant's quota for the model: never enough (rejected), or in use now (a wait).
      let quotaMask = 0;
      let quotaWait = 0;
      if (quota !== undefined) {
        const model = (context.prepared.candidateAt[ranges[r + 1] as number] as PreparedCandidate).modelKey;
        const ceiling = measureQuotaCeiling(quota, model, context.isBorrowing);
        if (context.totalMilli > ceiling) quotaMask = EXCEEDS_QUOTA;
        else if ((quota.usedMilli.get(model) ?? 0) + context.totalMilli > ceiling)
          quotaWait = load === undefined ? 0 : load.estimatedWaitSeconds;
      }
      for (let i = ranges[r + 1] as number; i < (ranges[r + 2] as number); i++) {
        if (!isCandidateAccepted(i, check)) continue;
        accepted += 1;
        const mask = checkCandidate(i, check) | quotaMask;
        if (mask !== 0) {
          failures |= mask;
          continue;
        }
        if (siteMask !== 0) continue;
        if (start < 0) {
          const roomAt = load
            ? estimateStart(
                load,
                (context.prepared.candidateAt[i] as PreparedCandidate).row.gpuModel,
                context.gpusPerNode,
                job.resources.nodes,
              )
            : 0;
          start = roomAt > quotaWait ? roomAt : quotaWait;
        }
        const tier = tierOf(context, isPreferredSite, isLateSite, start);
        const carbon = hasCarbon ? carbonOf(site, i, context) : Number.NaN;
        const billed = Math.max(duration, minimumSeconds[i] as number);
        if (
          best < 0 ||
          compareRankValues(
            rank,
            tier,
            start,
            carbon,
            i,
            billed,
            bestTier,
            bestStart,
            bestCarbon,
            best,
            bestBilled,
            claimed,
            claimed,
          ) < 0
        ) {
          best = i;
          bestTier = tier;
          bestStart = start;
          bestCarbon = carbon;
          bestBilled = billed;
        }
      }
    }
    if (best >= 0) {
      outcome[s] = best;
      if (startSeconds) startSeconds[s] = bestStart;
      feasibleCount += 1;
      // Strictly better only: among equals the first in catalog order, as a stable sort puts first.
      if (
        top < 0 ||
        compareRankValues(
          rank,
          bestTier,
          bestStart,
          bestCarbon,
          best,
          bestBilled,
          topTier,
          topStart,
          topCarbon,
          top,
          topBilled,
          claimed,
          topClaimed,
        ) < 0
      ) {
        top = best;
        topSite = s;
        topTier = bestTier;
        topStart = bestStart;
        topCarbon = bestCarbon;
        topBilled = bestBilled;
        topClaimed = claimed;
      }
      continue;
    }
    outcome[s] = ~(siteMask | (accepted === 0 ? GPU_MODEL : 0) | failures);
  }
  return {
    outcome,
    startSeconds,
    feasibleCount,
    bestSite: topSite,
    bestTier: topTier,
    bestStart: topStart,
    bestBilled: topBilled,
  };
}

/**
 * The rank tier of a way to run that would start after `start` seconds: late past the job's
 * wait bound (or at a site it already waited at past it), else preferred or on time.
 */
function tierOf(
  context: DecisionContext,
  isPreferredSite: boolean,
  isLateSite: boolean,
  start: number,
): number {
  if (isLateSite || start > context.waitBound) return TIER_LATE;
  return isPreferredSite ? TIER_PREFERRED : TIER_ON_TIME;
}

function carbonOf(site: PreparedSite, index: number, context: DecisionContext): number {
  const candidate = context.prepared.candidateAt[index] as PreparedCandidate;
  return estimateCandidateCarbonKg(site, candidate, context) ?? Number.NaN;
}

/**
 * The rank keys of the feasible sites' best ways, in catalog order, for the full ranking:
 * the same values the scan compared (billed seconds, preference and carbon recomputed from
 * the catalog, the expected start as the scan kept it).
 */
export function rankTableOf(scan: SiteScan, context: DecisionContext): RankTable {
  const { sites } = context.prepared;
  const minimumSeconds = context.prepared.columns.minimumSeconds;
  const duration = context.job.duration;
  const isCarbon = context.constraints.objective === 'carbon';
  const hasPreferred = context.preferredSites.size > 0;
  const table: RankTable = {
    candidate: [],
    tier: [],
    claimed: [],
    startSeconds: [],
    carbonKg: [],
    billedSeconds: [],
  };
  for (let s = 0; s < sites.length; s++) {
    const index = scan.outcome[s] as number;
    if (index < 0) continue;
    const site = sites[s] as PreparedSite;
    const start = scan.startSeconds === undefined ? 0 : (scan.startSeconds[s] as number);
    table.candidate.push(index);
    const isPreferredSite = hasPreferred && context.preferredSites.has(site.site.name);
    const isLateSite = context.lateSites !== undefined && context.lateSites.has(site.site.name);
    table.tier.push(tierOf(context, isPreferredSite, isLateSite, start));
    table.claimed.push(context.load?.get(site.site.name)?.claimedShare ?? 0);
    table.startSeconds.push(start);
    table.carbonKg.push(isCarbon ? carbonOf(site, index, context) : Number.NaN);
    table.billedSeconds.push(Math.max(duration, minimumSeconds[index] as number));
  }
  return table;
}

/** The rejected sites (by index, in catalog order) and their reasons' masks. */
export function rejectedOf(scan: SiteScan): { sites: number[]; masks: number[] } {
  const sites: number[] = [];
  const masks: number[] = [];
  for (let s = 0; s < scan.outcome.length; s++) {
    const value = scan.outcome[s] as number;
    if (value >= 0) continue;
    sites.push(s);
    masks.push(~value);
  }
  return { sites, masks };
}
