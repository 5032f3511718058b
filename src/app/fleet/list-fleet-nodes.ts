import type { AppContext } from '../context.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { NodeRecord } from '../ports/fleet-store.js';

export interface FleetNode extends NodeRecord {
  /** Jobs claimed or running there. */
  readonly running: readonly string[];
}

/** Every registered node of every agent site, with the jobs it runs (`usine nodes`). */
export async function listFleetNodes(ctx: AppContext, principal: Principal): Promise<FleetNode[]> {
  requireAllowed(principal, 'site.read');
  return ctx.store.read(async (tx) => {
    const nodes = await tx.listNodes();
    const listed: FleetNode[] = [];
    for (const node of nodes) {
      const open = await tx.listOpenLaunches(node.site, node.name);
      listed.push({ ...node, running: open.map((l) => l.jobId) });
    }
    return listed;
  });
}
