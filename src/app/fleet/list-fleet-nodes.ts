import type { AppContext } from '../context.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { NodeRecord } from '../ports/fleet-store.js';

export interface FleetNode extends NodeRecord {
  /** Jobs claimed or running there. */
  readonly running: readonly string[];
}

/**
 * Every registered node of every agent site, with the jobs it runs (`usine nodes`). A tenant's
 * key sees only its own jobs there (a member's, only its project's): other tenants' job ids are
 * not its to read. The operator sees them all.
 */
export async function listFleetNodes(ctx: AppContext, principal: Principal): Promise<FleetNode[]> {
  requireAllowed(principal, 'site.read');
  return ctx.store.read(async (tx) => {
    const nodes = await tx.listNodes();
    const listed: FleetNode[] = [];
    for (const node of nodes) {
      const open = await tx.listOpenLaunches(node.site, node.name);
      const running: string[] = [];
      for (const launch of open) {
        if (principal.tenantId === null) running.push(launch.jobId);
        else {
          const job = await tx.getJob(principal.tenantId, launch.jobId);
          if (job && (principal.project === null || job.project === principal.project))
            running.push(launch.jobId);
        }
      }
      listed.push({ ...node, running });
    }
    return listed;
  });
}
