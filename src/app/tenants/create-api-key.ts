import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { hashSecret } from '../auth/hash-secret.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { ApiKeyRecord, Role } from '../ports/records.js';

const TENANT_ROLES: readonly Role[] = ['owner', 'member', 'viewer', 'auditor'];

export interface CreatedKey {
  readonly id: string;
  /** Shown once; only its hash is stored. */
  readonly key: string;
  readonly role: Role;
  readonly tenantId: string;
  readonly project: string | null;
}

/** A key for a tenant: the admin may create any; an owner only in its own tenant. */
export async function createApiKey(
  ctx: AppContext,
  principal: Principal,
  tenantId: string,
  role: string,
  project: string | undefined,
): Promise<CreatedKey> {
  requireAllowed(principal, 'key.create');
  if (principal.role !== 'admin' && principal.tenantId !== tenantId) {
    throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
  }
  if (!TENANT_ROLES.includes(role as Role)) {
    throw new UsineError('USINE_INVALID_REQUEST', `role: must be one of ${TENANT_ROLES.join(', ')}`, [
      { path: 'role', message: `must be one of ${TENANT_ROLES.join(', ')}` },
    ]);
  }
  if (role === 'member' && project === undefined) {
    throw new UsineError('USINE_INVALID_REQUEST', 'project: a member key needs the project it may use', [
      { path: 'project', message: 'required for a member key' },
    ]);
  }
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.getTenant(tenantId))) throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
    const secret = ctx.ids.newSecret();
    const record: ApiKeyRecord = {
      id: ctx.ids.newId('key'),
      tenantId,
      role: role as Role,
      project: project ?? null,
      secretHash: hashSecret(secret),
      createdAt: at,
      revokedAt: null,
    };
    await tx.createApiKey(record);
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId,
      action: 'key.create',
      subject: record.id,
      data: { role, project: project ?? null },
    });
    return { id: record.id, key: secret, role: record.role, tenantId, project: record.project };
  });
}
