import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { LaunchRecord, NodeInventory, NodeRecord } from '../ports/fleet-store.js';
import { DEFAULT_FLEET_SETTINGS } from './fleet-settings.js';
import { requireSiteAgent, type AgentIdentity } from './require-site-agent.js';

/**
 * An agent (re)registers its node with what it found there. A node another agent still
 * serves (heartbeating within the grace period) is refused: two agents on one node could run
 * one job twice. Answers with the node's open launches, which the agent adopts.
 */
export async function registerNode(
  ctx: AppContext,
  principal: Principal,
  identity: AgentIdentity & { readonly agentVersion: string; readonly inventory: NodeInventory },
): Promise<{ node: NodeRecord; open: LaunchRecord[] }> {
  requireSiteAgent(ctx, principal, identity.site);
  const settings = ctx.fleet ?? DEFAULT_FLEET_SETTINGS;
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const known = (await tx.listNodes(identity.site)).find((n) => n.name === identity.node);
    if (
      known &&
      known.agentId !== identity.agentId &&
      known.state === 'ready' &&
      now.getTime() - Date.parse(known.lastHeartbeatAt) < settings.graceSeconds * 1000
    ) {
      throw new UsineError(
        'USINE_CONFLICT',
        `node ${identity.node} of site ${identity.site} is served by another agent (${known.agentId}, ` +
          `last heartbeat ${known.lastHeartbeatAt}): stop it first, or wait ${settings.graceSeconds} s`,
      );
    }
    const node = await tx.registerNode({
      site: identity.site,
      name: identity.node,
      ...identity.inventory,
      agentId: identity.agentId,
      agentVersion: identity.agentVersion,
      registeredAt: now.toISOString(),
    });
    await tx.appendAudit({
      at: now.toISOString(),
      actor: `key:${principal.keyId}`,
      tenantId: null,
      action: 'node.register',
      subject: `${identity.site}/${identity.node}`,
      data: {
        agentId: identity.agentId,
        agentVersion: identity.agentVersion,
        gpus: identity.inventory.gpus.length,
      },
    });
    // what another agent (another work dir) claimed here is out of this one's sight: lost
    const open: LaunchRecord[] = [];
    for (const launch of await tx.listOpenLaunches(identity.site, identity.node)) {
      if (launch.agentId === identity.agentId) open.push(launch);
      else
        await tx.markLaunchLost(
          launch.jobId,
          `node ${identity.node} is served by a new agent (${identity.agentId}, was ${launch.agentId ?? 'none'})`,
          node.registeredAt,
        );
    }
    return { node, open };
  });
}
