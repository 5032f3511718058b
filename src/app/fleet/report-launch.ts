import type { AppContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import type { LaunchReport, LaunchState } from '../ports/fleet-store.js';
import { findOwnLaunch } from './find-own-launch.js';
import { requireSiteAgent, type AgentIdentity } from './require-site-agent.js';

/**
 * The agent says how its launch stands. Applied once per step (running, then how it ended);
 * a replay, or a report on a launch the control plane already closed (lost, cancelled before it
 * started), is answered with the launch's state and changes nothing.
 */
export async function reportLaunch(
  ctx: AppContext,
  principal: Principal,
  identity: AgentIdentity,
  jobId: string,
  report: LaunchReport,
): Promise<{ applied: boolean; state: LaunchState }> {
  requireSiteAgent(ctx, principal, identity.site);
  const at = ctx.clock.now().toISOString();
  const answer = await ctx.store.transaction(async (tx) => {
    const launch = await findOwnLaunch(tx, identity, jobId);
    const next = await tx.reportLaunch(jobId, identity.agentId, report, at);
    return next ? { applied: true, state: next.state } : { applied: false, state: launch.state };
  });
  // the reconciler records the job's move at once rather than at its next pass
  if (answer.applied) ctx.onJobChange?.(jobId);
  return answer;
}
