import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { listAudit } from '../../app/audit/read-audit.js';
import { describeAuditKey, listCheckpoints, verifyAudit } from '../../app/audit/verify-audit.js';
import { UsineError } from '../../app/errors.js';
import {
  AuditCheckpointPage,
  AuditPage,
  AuditPublicKey,
  AuditVerification,
  Problem,
} from '../../api/schemas.js';
import type { RouteSpec } from '../route-spec.js';

const PAGE_QUERY = Type.Object({
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

const AUDIT_QUERY = Type.Object({
  ...PAGE_QUERY.properties,
  actor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Entries of this actor only.' }),
  ),
  action: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Entries whose action starts with this: `job.` or `job.submit`.',
    }),
  ),
});

function readLimit(query: { limit?: string | number }): number {
  return Math.min(Math.max(Number(query.limit ?? 100) || 100, 1), 1000);
}

/** `count` and `head` of the verify query: a checkpoint the caller trusts, both or neither. */
function readExpect(q: { count?: string; head?: string }): { expect?: { count: number; headHash: string } } {
  if (q.count === undefined && q.head === undefined) return {};
  const errors = [
    ...(q.count !== undefined && /^[1-9]\d{0,14}$/.test(q.count)
      ? []
      : [{ path: 'count', message: 'a positive integer is required with head' }]),
    ...(q.head !== undefined && /^[0-9a-f]{64}$/.test(q.head)
      ? []
      : [{ path: 'head', message: '64 lowercase hex digits are required with count' }]),
  ];
  if (errors.length > 0 || q.count === undefined || q.head === undefined)
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      'count and head: a checkpoint you trust, both or neither',
      errors,
    );
  return { expect: { count: Number(q.count), headHash: q.head } };
}

export function listAuditRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/audit',
      operationId: 'listAudit',
      summary: 'The audit log, oldest first (the operator sees all, a tenant its own entries)',
      tag: 'audit',
      auth: true,
      query: AUDIT_QUERY,
      responses: {
        200: { description: 'A page', schema: AuditPage },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const q = request.query as { cursor?: string; limit?: string; actor?: string; action?: string };
        return listAudit(ctx, principal, q.cursor, readLimit(q), {
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.action ? { actionPrefix: q.action } : {}),
        });
      },
    },
    {
      method: 'GET',
      url: '/v1/audit/verify',
      operationId: 'verifyAudit',
      summary:
        'Verify the chain (incrementally, against the signed checkpoints, and against `count`/`head` if given); a tenant: its own entries',
      tag: 'audit',
      auth: true,
      query: Type.Object({
        count: Type.Optional(
          Type.Integer({ minimum: 1, description: 'A checkpoint you trust: its entry count…' }),
        ),
        head: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: '…and its head hash' })),
        full: Type.Optional(Type.Boolean({ description: 'Recompute the whole chain from its first entry' })),
      }),
      responses: {
        200: { description: 'Verification', schema: AuditVerification },
        400: { description: 'count without head, or the reverse', schema: Problem },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        // the query schema coerces: `full` arrives as a boolean, `count` as a number
        const q = request.query as { count?: number; head?: string; full?: boolean };
        return verifyAudit(ctx, principal, {
          ...readExpect({ count: q.count === undefined ? undefined : String(q.count), head: q.head }),
          ...(q.full === true ? { full: true } : {}),
        });
      },
    },
    {
      method: 'GET',
      url: '/v1/audit/checkpoints',
      operationId: 'listAuditCheckpoints',
      summary: 'Signed checkpoints, oldest first (a tenant: its own tenant checkpoints); cursor: a count',
      tag: 'audit',
      auth: true,
      query: PAGE_QUERY,
      responses: {
        200: { description: 'A page', schema: AuditCheckpointPage },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const q = request.query as { cursor?: string; limit?: string };
        return listCheckpoints(ctx, principal, q.cursor, readLimit(q));
      },
    },
    {
      method: 'GET',
      url: '/v1/audit/public-key',
      operationId: 'getAuditPublicKey',
      summary: 'The Ed25519 public key that signs the checkpoints',
      tag: 'audit',
      auth: false,
      responses: { 200: { description: 'The key', schema: AuditPublicKey } },
      handle: async () => describeAuditKey(ctx),
    },
  ];
}
