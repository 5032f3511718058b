import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { TenantRecord } from '../ports/records.js';

const TENANT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function createTenant(
  ctx: AppContext,
  principal: Principal,
  name: string,
): Promise<TenantRecord> {
  requireAllowed(principal, 'tenant.create');
  if (!TENANT_NAME.test(name)) {
    throw new UsineError('USINE_INVALID_REQUEST', 'name: must be lower-case letters, digits and dashes', [
      { path: 'name', message: 'must be lower-case letters, digits and dashes (at most 63), such as acme' },
    ]);
  }
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    if (await tx.findTenantByName(name)) {
      throw new UsineError('USINE_CONFLICT', `a tenant named ${name} already exists`, [
        { path: 'name', message: 'already taken' },
      ]);
    }
    const tenant: TenantRecord = { id: ctx.ids.newId('ten'), name, createdAt: at };
    await tx.createTenant(tenant);
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: tenant.id,
      action: 'tenant.create',
      subject: tenant.id,
      data: { name },
    });
    return tenant;
  });
}
