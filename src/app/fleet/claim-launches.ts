import type { AppContext } from '../context.js';
import type { Principal } from '../auth/principal.js';
import type { LaunchRecord } from '../ports/fleet-store.js';
import { touchNode } from './agent-heartbeat.js';
import { requireSiteAgent, type AgentIdentity } from './require-site-agent.js';

const DEFAULT_CLAIM = 16;

/** The node's next assigned launches, now claimed by this agent; a claim counts as a heartbeat. */
export async function claimLaunches(
  ctx: AppContext,
  principal: Principal,
  identity: AgentIdentity,
  limit = DEFAULT_CLAIM,
): Promise<LaunchRecord[]> {
  requireSiteAgent(ctx, principal, identity.site);
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    await touchNode(tx, identity, at);
    return tx.claimLaunches(identity.site, identity.node, identity.agentId, limit, at);
  });
}
