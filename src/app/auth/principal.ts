import { withArticle } from '../../domain/documents/with-article.js';
import { UsineError } from '../errors.js';
import type { Role } from '../ports/records.js';

/** Who is calling, from their API key. The tenant comes from the key, never from a body. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  /** null for the operator's keys: admin and the site credentials (agent, metering). */
  readonly tenantId: string | null;
  /** A member key sees and submits in this project only. */
  readonly project: string | null;
  /** The one site a site credential (agent, metering) acts for; null for every other key. */
  readonly site: string | null;
}

export const ACTIONS = [
  'tenant.create',
  'tenant.read',
  'key.create',
  'key.read',
  'key.revoke',
  'site-key.create',
  'job.submit',
  'job.read',
  'job.cancel',
  'service.write',
  'service.read',
  'service.call',
  'site.read',
  'audit.read',
  'usage.read',
  'usage.write',
  'usage.correct',
  'budget.write',
  'agent.work',
  'tenant.export',
  'tenant.erase',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * What each role may do; which tenant (or site) it may do it in is checked by the use case.
 * The site credentials hold one action each: an agent's key leaked from a GPU host reads
 * nothing and submits nothing, a metering key only writes usage, both for their one site.
 */
const GRANTS: Readonly<Record<Role, readonly Action[]>> = {
  admin: [
    'tenant.create',
    'tenant.read',
    'key.create',
    'key.read',
    'key.revoke',
    'site-key.create',
    // the operator reads every tenant's jobs (read-only: cancelling is the tenant's act)
    'job.read',
    'site.read',
    'audit.read',
    'usage.read',
    // the operator corrects and backfills the ledger; a tenant's key never writes it
    'usage.write',
    'usage.correct',
    'tenant.export',
    // GDPR Art. 17 on a data subject's request: the operator's, as controller or processor
    'tenant.erase',
  ],
  owner: [
    'tenant.read',
    'key.create',
    'key.read',
    'key.revoke',
    'job.submit',
    'job.read',
    'job.cancel',
    'service.write',
    'service.read',
    'service.call',
    'site.read',
    'audit.read',
    'usage.read',
    'budget.write',
    'tenant.export',
  ],
  member: [
    'job.submit',
    'job.read',
    'job.cancel',
    'service.write',
    'service.read',
    'service.call',
    'site.read',
  ],
  viewer: ['tenant.read', 'job.read', 'service.read', 'site.read'],
  auditor: ['tenant.read', 'site.read', 'audit.read', 'usage.read'],
  // a service key calls its tenant's services through the gateway, and does nothing else
  service: ['service.call'],
  agent: ['agent.work'],
  metering: ['usage.write'],
};

/**
 * The principal of an unauthenticated route (health, metrics, OpenAPI). It needs a role to be a
 * Principal, but is allowed no action whatever that role grants: a handler of an anonymous
 * route that asked for one would otherwise act as a viewer of no tenant, that is of all.
 */
export const ANONYMOUS: Principal = Object.freeze({
  keyId: 'anonymous',
  role: 'viewer',
  tenantId: null,
  project: null,
  site: null,
});

export function isAllowed(principal: Principal, action: Action): boolean {
  if (principal === ANONYMOUS) return false;
  return GRANTS[principal.role].includes(action);
}

/** Every action the key's role grants (what a console offers it). */
export function listAllowedActions(principal: Principal): readonly Action[] {
  return ACTIONS.filter((action) => isAllowed(principal, action));
}

/** Throws 403 unless the key's role grants the action. */
export function requireAllowed(principal: Principal, action: Action): void {
  if (!isAllowed(principal, action)) {
    const hint =
      principal.role === 'admin' && action.startsWith('job.')
        ? ': the admin key belongs to no tenant; create a tenant and an owner or member key'
        : principal.site !== null
          ? `: ${withArticle(principal.role)} key is a site credential for ${principal.site} and does nothing else`
          : '';
    throw new UsineError('USINE_FORBIDDEN', `${withArticle(principal.role)} key may not ${action}${hint}`);
  }
}

/** The tenant a tenant-scoped call acts in; the operator's keys have none. */
export function requireTenant(principal: Principal): string {
  if (principal.tenantId === null) {
    throw new UsineError(
      'USINE_FORBIDDEN',
      `the ${principal.role} key belongs to no tenant; use a tenant key`,
    );
  }
  return principal.tenantId;
}

/**
 * Throws 403 unless the key's role grants the action and the key is bound to `site`: a site
 * credential acts for its own site only.
 */
export function requireSite(principal: Principal, action: Action, site: string): void {
  requireAllowed(principal, action);
  if (principal.site !== site) {
    throw new UsineError(
      'USINE_FORBIDDEN',
      `this ${principal.role} key acts for site ${principal.site ?? '(none)'}, not ${site}`,
    );
  }
}
