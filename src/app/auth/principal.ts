import { UsineError } from '../errors.js';
import type { Role } from '../ports/records.js';

/** Who is calling, from their API key. The tenant comes from the key, never from a body. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  /** null for the operator's admin key. */
  readonly tenantId: string | null;
  /** A member key sees and submits in this project only. */
  readonly project: string | null;
}

export const ACTIONS = [
  'tenant.create',
  'tenant.read',
  'key.create',
  'job.submit',
  'job.read',
  'job.cancel',
  'site.read',
  'audit.read',
  'usage.read',
  'budget.write',
] as const;
export type Action = (typeof ACTIONS)[number];

const GRANTS: Readonly<Record<Role, readonly Action[]>> = {
  admin: ['tenant.create', 'tenant.read', 'key.create', 'site.read', 'audit.read', 'usage.read'],
  owner: [
    'tenant.read',
    'key.create',
    'job.submit',
    'job.read',
    'job.cancel',
    'site.read',
    'audit.read',
    'usage.read',
    'budget.write',
  ],
  member: ['job.submit', 'job.read', 'job.cancel', 'site.read'],
  viewer: ['tenant.read', 'job.read', 'site.read'],
  auditor: ['tenant.read', 'site.read', 'audit.read', 'usage.read'],
};

export function isAllowed(principal: Principal, action: Action): boolean {
  return GRANTS[principal.role].includes(action);
}

/** Throws 403 unless the key's role grants the action. */
export function requireAllowed(principal: Principal, action: Action): void {
  if (!isAllowed(principal, action)) {
    const hint =
      principal.role === 'admin' && action.startsWith('job.')
        ? ': the admin key belongs to no tenant; create a tenant and an owner or member key'
        : '';
    throw new UsineError('USINE_FORBIDDEN', `a ${principal.role} key may not ${action}${hint}`);
  }
}

/** The tenant a tenant-scoped call acts in; the admin key has none. */
export function requireTenant(principal: Principal): string {
  if (principal.tenantId === null) {
    throw new UsineError('USINE_FORBIDDEN', 'the admin key belongs to no tenant; use a tenant key');
  }
  return principal.tenantId;
}
