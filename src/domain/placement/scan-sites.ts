import { checkCandidate, checkSiteRules, GPU_MODEL, isCandidateAccepted } from './check-site.js';
import type { DecisionContext } from './decision-context.js';
import { estimateCandidateCarbonKg } from './build-option.js';
import type { PreparedCandidate, PreparedSite } from './prepare-catalog.js';
import { compareRankValues, type RankTable } from './rank-options.js';
import { estimateStart } from './site-load.js';

/** What one pass over the catalog keeps: numbers only. */
export interface SiteScan {
  /** The best way to run of each feasible site, in catalog order. */
  readonly table: RankTable;
  /** Rejected sites by index, in catalog order, and their reasons as masks (check-site.ts). */
  readonly rejectedSites: readonly number[];
  readonly rejectedMasks: readonly number[];
}

/**
 * Checks every site against every hard filter, never stopping at the first failure: the
 * site-wide rules, then each way to run there (offering × capacity row of an accepted GPU
 * model and offering kind). A site is rejected when no way passes, with the site-wide
 * failures and every failure of every way; otherwise its best way (rank order) is kept.
 * The loop reads typed arrays and allocates nothing but the entries it keeps.
 */
export function scanSites(context: DecisionContext): SiteScan {
  const { sites } = context.prepared;
  const { check, rank, job, constraints } = context;
  const minimumSeconds = context.prepared.columns.minimumSeconds;
  const duration = job.duration;
  const isCarbon = constraints.objective === 'carbon';
  const acceptedModels = check.isModelAccepted;
  const table: RankTable = {
    candidate: [],
    isPreferred: [],
    startSeconds: [],
    carbonKg: [],
    billedSeconds: [],
  };
  const rejectedSites: number[] = [];
  const rejectedMasks: number[] = [];
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s] as PreparedSite;
    const siteMask = checkSiteRules(site, context);
    const load = context.load === undefined ? undefined : context.load.get(site.site.name);
    const isPreferredSite = context.preferredSites.size > 0 && context.preferredSites.has(site.site.name);
    let failures = 0;
    let accepted = 0;
    let best = -1;
    let bestPreferred = false;
    let bestStart = 0;
    let bestCarbon = Number.NaN;
    let bestBilled = 0;
    // Only the ranges of accepted models: the others are no way to run the job at all.
    const ranges = site.modelRanges;
    for (let r = 0; r < ranges.length; r += 3) {
      if (acceptedModels !== undefined && acceptedModels[ranges[r] as number] !== 1) continue;
      for (let i = ranges[r + 1] as number; i < (ranges[r + 2] as number); i++) {
        if (!isCandidateAccepted(i, check)) continue;
        accepted += 1;
        const mask = checkCandidate(i, check);
        if (mask !== 0) {
          failures |= mask;
          continue;
        }
        if (siteMask !== 0) continue;
        const candidate =
          load || isCarbon ? (context.prepared.candidateAt[i] as PreparedCandidate) : undefined;
        const start =
          load && candidate
            ? estimateStart(load, candidate.row.gpuModel, context.gpusPerNode, job.resources.nodes)
            : 0;
        const isPreferred = isPreferredSite && start <= constraints.maxWaitForPreferred;
        const carbon =
          isCarbon && candidate
            ? (estimateCandidateCarbonKg(site, candidate, context) ?? Number.NaN)
            : Number.NaN;
        const billed = Math.max(duration, minimumSeconds[i] as number);
        if (
          best < 0 ||
          compareRankValues(
            rank,
            isPreferred,
            start,
            carbon,
            i,
            billed,
            bestPreferred,
            bestStart,
            bestCarbon,
            best,
            bestBilled,
          ) < 0
        ) {
          best = i;
          bestPreferred = isPreferred;
          bestStart = start;
          bestCarbon = carbon;
          bestBilled = billed;
        }
      }
    }
    if (best >= 0) {
      table.candidate.push(best);
      table.isPreferred.push(bestPreferred);
      table.startSeconds.push(bestStart);
      table.carbonKg.push(bestCarbon);
      table.billedSeconds.push(bestBilled);
      continue;
    }
    rejectedSites.push(s);
    rejectedMasks.push(siteMask | (accepted === 0 ? GPU_MODEL : 0) | failures);
  }
  return { table, rejectedSites, rejectedMasks };
}
