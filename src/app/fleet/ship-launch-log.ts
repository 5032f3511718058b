import type { AppContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import { findOwnLaunch } from './find-own-launch.js';
import { requireSiteAgent, type AgentIdentity } from './require-site-agent.js';

/** A chunk of the job's output from its agent; returns where the next chunk starts. */
export async function shipLaunchLog(
  ctx: AppContext,
  principal: Principal,
  identity: AgentIdentity,
  jobId: string,
  offset: number,
  text: string,
): Promise<number> {
  requireSiteAgent(ctx, principal, identity.site);
  return ctx.store.transaction(async (tx) => {
    await findOwnLaunch(tx, identity, jobId);
    return tx.appendLaunchLog(jobId, offset, Buffer.from(text, 'utf8'));
  });
}
