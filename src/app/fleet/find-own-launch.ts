import { UsineError } from '../errors.js';
import type { LaunchRecord } from '../ports/fleet-store.js';
import type { StoreTx } from '../ports/store.js';
import type { AgentIdentity } from './require-site-agent.js';

/** The launch, if it is this agent's (claimed by it, on its node); 404 otherwise, naming why. */
export async function findOwnLaunch(
  tx: StoreTx,
  identity: AgentIdentity,
  jobId: string,
): Promise<LaunchRecord> {
  const launch = await tx.getLaunch(jobId);
  if (
    !launch ||
    launch.site !== identity.site ||
    launch.node !== identity.node ||
    launch.agentId !== identity.agentId
  ) {
    throw new UsineError(
      'USINE_NOT_FOUND',
      `job ${jobId} is not a launch claimed by agent ${identity.agentId} on node ${identity.node} of site ${identity.site}`,
    );
  }
  return launch;
}
