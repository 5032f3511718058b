import type { JobSpec } from '../spec/job-spec.js';
import type { PlacementResult } from './place-job.js';
import { toPlacementView } from './placement-view.js';

/**
 * What a placement decision does to a queued job: placed on a site, held in the queue by a
 * budget that says `wait`, or unplaceable and why.
 */
export interface PlacementOutcome {
  readonly to: 'placed' | 'unplaceable' | 'queued';
  readonly site: string | null;
  /** The explanation stored with the job (`toPlacementView`). */
  readonly view: ReturnType<typeof toPlacementView>;
  readonly reason: string | null;
  /** The job event's and audit entry's data: the site and offering, or the reason. */
  readonly summary: Readonly<Record<string, unknown>>;
}

export function describePlacementOutcome(result: PlacementResult, spec: JobSpec): PlacementOutcome {
  const view = toPlacementView(result, spec);
  const decision = result.decision;
  if (decision)
    return {
      to: 'placed',
      site: decision.site,
      view,
      reason: null,
      summary: { site: decision.site, offering: decision.offering },
    };
  const hold = result.heldByBudget;
  if (hold) {
    // the budget is why: the job could run elsewhere or later were it not for it
    const budget = result.rejected.flatMap((r) => r.reasons).find((r) => r.code === 'BUDGET');
    const waits = hold.onExceeded === 'wait';
    const reason = `BUDGET: ${budget?.message ?? `the budget ${hold.scope} has no room`}${waits ? '; the job waits in the queue' : ''}`;
    return { to: waits ? 'queued' : 'unplaceable', site: null, view, reason, summary: { reason } };
  }
  const reason = `no feasible site: ${result.rejected
    .map((r) => `${r.site} (${r.reasons.map((x) => x.code).join(', ')})`)
    .join('; ')}`;
  return { to: 'unplaceable', site: null, view, reason, summary: { reason } };
}
