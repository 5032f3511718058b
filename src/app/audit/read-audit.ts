import type { AuditEntry } from '../../domain/audit/chain.js';
import type { AppContext } from '../context.js';
import type { AuditFilter } from '../ports/audit-store.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import { UsineError } from '../errors.js';

/**
 * A page of the audit log: the operator sees every entry, a tenant's owner or auditor only
 * the tenant's own (read through the tenant's index, never by scanning the others'). Cursor:
 * the last sequence number seen. Entries committed before the call are sealed first, so the
 * page holds every one of them.
 */
export async function listAudit(
  ctx: AppContext,
  principal: Principal,
  cursor: string | undefined,
  limit: number,
  filter: AuditFilter = {},
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  requireAllowed(principal, 'audit.read');
  const after = readCursor(cursor);
  await ctx.store.sealAudit();
  const tenantId = principal.tenantId;
  const page = await ctx.store.read((tx) =>
    tenantId === null
      ? tx.listAudit(after, limit + 1, filter)
      : tx.listTenantAudit(tenantId, after, limit + 1, filter),
  );
  const items = page.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: page.length > limit && last ? String(last.seq) : null };
}

/** A cursor of this API: the digits of a sequence number. */
export function readCursor(cursor: string | undefined): number {
  const after = cursor === undefined ? 0 : Number(cursor);
  if (!/^\d{0,15}$/.test(cursor ?? '') || !Number.isSafeInteger(after) || after < 0)
    throw new UsineError('USINE_INVALID_REQUEST', 'cursor: not a cursor from this API');
  return after;
}
