import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { planExport, writeExport } from '../../app/exchange/export-tenant.js';
import { Problem } from '../../api/schemas.js';
import { createTarSink } from '../exchange/tar-sink.js';
import type { RouteSpec } from '../route-spec.js';

export function listExportRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/export',
      operationId: 'exportTenant',
      summary:
        'Everything the tenant owns, streamed as a ustar archive with a signed manifest (docs/export-format.md)',
      tag: 'exit',
      auth: true,
      query: Type.Object({
        tenant: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'The tenant to export: the operator key only (a tenant key exports its own)',
          }),
        ),
      }),
      responses: {
        200: { description: 'The export, as application/x-tar', contentType: 'application/x-tar' },
        400: { description: 'The operator key named no tenant', schema: Problem },
        403: { description: 'Not allowed', schema: Problem },
        404: { description: 'No such tenant', schema: Problem },
        503: { description: 'The audit verifier is not running', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const plan = await planExport(ctx, principal, (request.query as { tenant?: string }).tenant);
        // a large export streams for minutes: the socket's idle timeout would cut it
        request.raw.socket.setTimeout(0);
        reply.raw.writeHead(200, {
          'content-type': 'application/x-tar',
          'content-disposition': `attachment; filename="usine-export-${plan.tenant.id}.tar"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        const sink = await createTarSink(reply.raw);
        try {
          await writeExport(ctx, plan, sink);
          reply.raw.end();
        } catch (error) {
          // the status is sent: a cut stream (no end-of-archive, no manifest) is the only signal left
          request.log.error({ err: error }, 'export failed');
          await sink.discard();
          reply.raw.destroy();
        }
        return undefined;
      },
    },
  ];
}
