import type { AppContext } from '../../app/context.js';
import { INVOICE_HTML_CSP } from '../../app/metering/render-invoice.js';
import { reportCompute, type ComputeReportRequest } from '../../app/reports/compute-report.js';
import { renderComputeReportHtml } from '../../app/reports/render-compute-report.js';
import { Problem } from '../../api/schemas.js';
import { ComputeReportQuery, SealedComputeReport } from '../../api/report-schemas.js';
import type { RouteSpec } from '../route-spec.js';

export function listReportRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/reports/compute',
      operationId: 'reportCompute',
      summary:
        'The AI Act compute and energy report of one model (JSON, or a printable HTML page in English or French), sealed in the audit chain',
      tag: 'reports',
      auth: true,
      query: ComputeReportQuery,
      responses: {
        200: { description: 'The report and its SHA-256', schema: SealedComputeReport },
        400: { description: 'A parameter is invalid', schema: Problem },
        403: { description: 'Not allowed', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const q = request.query as ComputeReportRequest & { format?: 'json' | 'html'; lang?: 'en' | 'fr' };
        const sealed = await reportCompute(ctx, principal, {
          ...(q.model === undefined ? {} : { model: q.model }),
          ...(q.from === undefined ? {} : { from: q.from }),
          ...(q.to === undefined ? {} : { to: q.to }),
          ...(q.precision === undefined ? {} : { precision: q.precision }),
          ...(q.utilisation === undefined ? {} : { utilisation: q.utilisation }),
        });
        if (q.format !== 'html') return sealed;
        const tenant = await ctx.store.read((tx) => tx.getTenant(principal.tenantId ?? ''));
        void reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', INVOICE_HTML_CSP)
          .send(renderComputeReportHtml(sealed, tenant?.name ?? '', q.lang ?? 'en'));
        return undefined;
      },
    },
  ];
}
