import type { AuditFailure } from '../../domain/audit/chain-scan.js';
import type { SignedTenantCheckpoint } from '../../domain/audit/checkpoint.js';
import type { AppContext } from '../context.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import { UsineError } from '../errors.js';
import type { AuditVerifier } from './audit-verifier.js';
import { readCursor } from './read-audit.js';

/** A checkpoint as served: a tenant's carries its `tenantId`, and its head in `headHash`. */
export interface CheckpointView {
  readonly tenantId?: string;
  readonly count: number;
  readonly headHash: string;
  readonly at: string;
  readonly keyId: string;
  readonly signature: string;
}

export interface AuditVerificationResult {
  readonly ok: boolean;
  /** `factory`: the whole chain (the operator); `tenant`: the caller's own entries only. */
  readonly scope: 'factory' | 'tenant';
  /** Entries verified: the chain's, or the tenant's own. */
  readonly entries: number;
  readonly headHash?: string;
  readonly firstBadEntry?: number;
  readonly kind?: AuditFailure['kind'];
  readonly problem?: string;
  /** The latest checkpoint trusted (for a tenant: its own latest tenant checkpoint). */
  readonly checkpoint?: CheckpointView;
  /** Queued rows the sealer refused as forged: their `audit.reject` entries. */
  readonly rejected?: { readonly count: number; readonly firstEntry: number };
  readonly pending?: number;
}

export interface VerifyRequest {
  /** A checkpoint the caller trusts: `count` entries, the last hashing to `headHash`. */
  readonly expect?: { readonly count: number; readonly headHash: string };
  /** Recompute the whole chain rather than from the last verified position. */
  readonly full?: boolean;
}

/**
 * The verifier's answer: for the operator the chain as of a run (shared with concurrent
 * callers, incremental: it reads only what was sealed since the last one), checked against
 * the caller's own checkpoint if it brings one; for a tenant, its own entries' count and head,
 * and its latest signed tenant checkpoint to check them against (`usine audit verify` does).
 */
export async function verifyAudit(
  ctx: AppContext,
  principal: Principal,
  request: VerifyRequest,
): Promise<AuditVerificationResult> {
  requireAllowed(principal, 'audit.read');
  const verifier = requireVerifier(ctx);
  const state = await verifier.verify();
  if (principal.tenantId !== null) {
    if (request.expect || request.full)
      throw new UsineError(
        'USINE_FORBIDDEN',
        "expect and full verify the factory's chain: the operator's key only",
      );
    const tenantId = principal.tenantId;
    const own = verifier.tenantHead(tenantId);
    const latest = await ctx.store.read((tx) => tx.lastTenantCheckpoint(tenantId));
    const broken = state.failure
      ? {
          kind: state.failure.kind,
          problem: "the factory's audit chain is broken: the operator is told where",
        }
      : {};
    return {
      ok: state.failure === undefined,
      scope: 'tenant',
      entries: own.count,
      headHash: own.head,
      ...broken,
      ...(latest ? { checkpoint: viewTenantCheckpoint(latest) } : {}),
    };
  }
  const failure =
    state.failure ??
    (request.full ? await verifier.verifyFromStart() : undefined) ??
    (request.expect ? await verifier.checkAnchor(request.expect.count, request.expect.headHash) : undefined);
  const pending = await ctx.store.read((tx) => tx.countPendingAudit());
  const [firstRejection] = state.rejections;
  return {
    ok: failure === undefined,
    scope: 'factory',
    entries: state.verified.seq,
    ...(state.verified.seq > 0 ? { headHash: state.verified.hash } : {}),
    ...(failure ? { firstBadEntry: failure.seq, kind: failure.kind, problem: failure.problem } : {}),
    ...(state.checkpoint ? { checkpoint: state.checkpoint } : {}),
    ...(firstRejection ? { rejected: { count: state.rejections.length, firstEntry: firstRejection } } : {}),
    ...(pending > 0 ? { pending } : {}),
  };
}

/** Checkpoints after a cursor (a count): the factory's for the operator, a tenant's own for its keys. */
export async function listCheckpoints(
  ctx: AppContext,
  principal: Principal,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: CheckpointView[]; nextCursor: string | null }> {
  requireAllowed(principal, 'audit.read');
  const after = readCursor(cursor);
  const tenantId = principal.tenantId;
  const items: CheckpointView[] =
    tenantId === null
      ? await ctx.store.read((tx) => tx.listCheckpoints(after, limit + 1))
      : (await ctx.store.read((tx) => tx.listTenantCheckpoints(tenantId, after, limit + 1))).map(
          viewTenantCheckpoint,
        );
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > limit && last ? String(last.count) : null };
}

/** The key checkpoints are signed with: Ed25519, SPKI PEM. */
export function describeAuditKey(ctx: AppContext): {
  keyId: string;
  algorithm: 'Ed25519';
  publicKey: string;
} {
  const verifier = requireVerifier(ctx);
  return { keyId: verifier.keyId, algorithm: 'Ed25519', publicKey: verifier.publicKeyPem };
}

function viewTenantCheckpoint(checkpoint: SignedTenantCheckpoint): CheckpointView {
  const { tenantId, count, head, at, keyId, signature } = checkpoint;
  return { tenantId, count, headHash: head, at, keyId, signature };
}

function requireVerifier(ctx: AppContext): AuditVerifier {
  if (!ctx.audit) throw new UsineError('USINE_NOT_READY', 'the audit verifier is not running here');
  return ctx.audit;
}
