import type { PlacementOutcome } from '../../domain/placement/placement-outcome.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { readJobSpecText } from './read-job-spec.js';
import { resolveProject } from './submit-job.js';

/**
 * A dry run of a submission: the spec validated as `POST /v1/jobs` would, then the decision its
 * submission would get now (the same `decidePlacement`, on the reconciler's last measure of the
 * sites), with nothing stored and no capacity claimed.
 */
export async function previewPlacement(
  ctx: AppContext,
  principal: Principal,
  text: string,
): Promise<PlacementOutcome> {
  requireAllowed(principal, 'job.submit');
  const tenantId = requireTenant(principal);
  const { spec } = readJobSpecText(text);
  const project = resolveProject(principal, spec.project);
  const outcome = await ctx.livePlacement?.preview(ctx, tenantId, spec, project, ctx.clock.now());
  if (!outcome)
    throw new UsineError(
      'USINE_NOT_READY',
      'the sites have not been measured yet: try again in a few seconds',
    );
  return outcome;
}
