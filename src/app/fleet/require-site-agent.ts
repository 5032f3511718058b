import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireSite, type Principal } from '../auth/principal.js';

/** Who an agent says it is; the site must be the one its key is for. */
export interface AgentIdentity {
  readonly site: string;
  readonly node: string;
  readonly agentId: string;
}

/**
 * Agent work for `site` needs a site whose backend agents run (`local`) and that site's agent
 * credential: no other key may do it, and that key may do nothing else (see principal.ts).
 */
export function requireSiteAgent(ctx: AppContext, principal: Principal, site: string): void {
  const entry = ctx.catalog.sites.find((s) => s.name === site);
  if (!entry || entry.backend.type !== 'local') {
    throw new UsineError('USINE_NOT_FOUND', `no site ${JSON.stringify(site)} run by agents in the catalog`, [
      { path: 'site', message: 'must name a catalog site whose backend is local' },
    ]);
  }
  requireSite(principal, 'agent.work', site);
}
