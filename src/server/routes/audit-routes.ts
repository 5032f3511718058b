import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { listAudit, verifyAudit } from '../../app/audit/read-audit.js';
import { AuditPage, AuditVerification, Problem } from '../../api/schemas.js';
import type { RouteSpec } from '../route-spec.js';

export function listAuditRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/audit',
      operationId: 'listAudit',
      summary: 'The audit log, oldest first (the operator sees all, a tenant its own entries)',
      tag: 'audit',
      auth: true,
      query: Type.Object({
        cursor: Type.Optional(Type.String()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      responses: {
        200: { description: 'A page', schema: AuditPage },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const q = request.query as { cursor?: string; limit?: string };
        return listAudit(
          ctx,
          principal,
          q.cursor,
          Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000),
        );
      },
    },
    {
      method: 'GET',
      url: '/v1/audit/verify',
      operationId: 'verifyAudit',
      summary: 'Recompute the hash chain: {ok, entries, firstBadEntry?}',
      tag: 'audit',
      auth: true,
      responses: {
        200: { description: 'Verification', schema: AuditVerification },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (_request, _reply, principal) => verifyAudit(ctx, principal),
    },
  ];
}
