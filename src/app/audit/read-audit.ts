import { checkLink, type AuditEntry, type ChainVerification } from '../../domain/audit/chain.js';
import { nativeSha256 } from './native-sha256.js';
import type { AppContext } from '../context.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import { UsineError } from '../errors.js';

const PAGE = 1000;

/**
 * A page of the audit log: the operator sees every entry, a tenant's owner or auditor only
 * the tenant's own. Cursor: the last sequence number seen. Entries committed before the
 * call are sealed first, so the page holds every one of them.
 */
export async function listAudit(
  ctx: AppContext,
  principal: Principal,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  requireAllowed(principal, 'audit.read');
  let after = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isSafeInteger(after) || after < 0)
    throw new UsineError('USINE_INVALID_REQUEST', 'cursor: not a cursor from this API');
  await ctx.store.sealAudit();
  const items: AuditEntry[] = [];
  // a tenant's entries are a subset: scan a bounded number of pages per request
  for (let scanned = 0; items.length < limit && scanned < 20; scanned++) {
    const page = await ctx.store.transaction((tx) => tx.listAudit(after, PAGE));
    for (const entry of page) {
      after = entry.seq;
      if (principal.tenantId === null || entry.tenantId === principal.tenantId) items.push(entry);
      if (items.length === limit) break;
    }
    if (page.length < PAGE) return { items, nextCursor: items.length === limit ? String(after) : null };
  }
  return { items, nextCursor: String(after) };
}

export type AuditVerification = ChainVerification & {
  readonly headHash?: string;
  /** Entries committed after the sealing this verification began with, not checked yet. */
  readonly pending?: number;
};

/**
 * Seals what was committed before the call, then recomputes the whole chain, page by page;
 * says where it first breaks, and how many entries arrived meanwhile and wait to be sealed.
 */
export async function verifyAudit(ctx: AppContext, principal: Principal): Promise<AuditVerification> {
  requireAllowed(principal, 'audit.read');
  await ctx.store.sealAudit();
  const verification = await verifySealedChain(ctx);
  const pending = await ctx.store.transaction((tx) => tx.countPendingAudit());
  return pending > 0 ? { ...verification, pending } : verification;
}

async function verifySealedChain(ctx: AppContext): Promise<AuditVerification> {
  let previous: AuditEntry | undefined;
  let count = 0;
  for (;;) {
    const page = await ctx.store.transaction((tx) => tx.listAudit(previous?.seq ?? 0, PAGE));
    for (const entry of page) {
      count++;
      const problem = checkLink(previous, entry, nativeSha256);
      if (problem) return { ok: false, entries: count, firstBadEntry: entry.seq, problem };
      previous = entry;
    }
    if (page.length < PAGE) break;
  }
  return { ok: true, entries: count, ...(previous ? { headHash: previous.hash } : {}) };
}
