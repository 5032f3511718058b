import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { StoreTx } from '../ports/store.js';
import { requireSiteAgent, type AgentIdentity } from './require-site-agent.js';

/**
 * The node is alive. Answers which of the jobs the agent runs it must stop: those whose cancel
 * was asked, and those the control plane no longer counts as running there (declared lost while
 * the node was silent, or never this node's), so a job is never left running twice over.
 */
export async function recordAgentHeartbeat(
  ctx: AppContext,
  principal: Principal,
  identity: AgentIdentity,
  running: readonly string[],
): Promise<{ stop: string[] }> {
  requireSiteAgent(ctx, principal, identity.site);
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    await touchNode(tx, identity, at);
    const open = await tx.listOpenLaunches(identity.site, identity.node);
    const mine = new Map(open.filter((l) => l.agentId === identity.agentId).map((l) => [l.jobId, l]));
    const stop = running.filter((jobId) => {
      const launch = mine.get(jobId);
      return launch === undefined || launch.cancelRequestedAt !== null;
    });
    return { stop };
  });
}

/** Records the node's heartbeat; 404 when this agent has not registered it (register again). */
export async function touchNode(tx: StoreTx, identity: AgentIdentity, at: string): Promise<void> {
  const node = await tx.recordHeartbeat(identity.site, identity.node, identity.agentId, at);
  if (!node) {
    throw new UsineError(
      'USINE_NOT_FOUND',
      `node ${identity.node} of site ${identity.site} is not registered by agent ${identity.agentId}: register first`,
    );
  }
}
