import Type from 'typebox';
import {
  BillingBody,
  BudgetBody,
  BudgetList,
  BudgetView,
  Correction,
  CorrectionBody,
  Invoice,
  InvoiceList,
  UsageEventBatch,
  UsageIngested,
  UsageRecordList,
  UsageRecordQuery,
  UsageSummary,
} from '../../api/metering-schemas.js';
import { correctUsage, listUsageRecords } from '../../app/metering/correct-usage.js';
import { monthBoundsMs, monthOf } from '../../domain/metering/month.js';
import { Problem } from '../../api/schemas.js';
import type { AppContext } from '../../app/context.js';
import { UsineError } from '../../app/errors.js';
import { ingestUsageEvents } from '../../app/metering/ingest-usage-events.js';
import { listBudgets, putBillingSettings, putBudget } from '../../app/metering/manage-budgets.js';
import { queryUsage } from '../../app/metering/query-usage.js';
import { getClientStatement, getInvoice, listInvoices } from '../../app/metering/read-invoices.js';
import { INVOICE_HTML_CSP, renderInvoiceCsv, renderInvoiceHtml } from '../../app/metering/render-invoice.js';
import { USAGE_GROUPS, type UsageGroup } from '../../domain/metering/usage-summary.js';
import { parseJsonBody } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  400: { description: 'Invalid request', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

export function listMeteringRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/usage',
      operationId: 'getUsage',
      summary: 'GPU-seconds, energy and cost of the tenant, grouped (default: this month, by project)',
      tag: 'metering',
      auth: true,
      query: Type.Object({
        groupBy: Type.Optional(Type.Enum([...USAGE_GROUPS])),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
      }),
      responses: { 200: { description: 'Usage', schema: UsageSummary }, ...problems },
      handle: async (request, _reply, principal) => {
        const q = request.query as { groupBy?: string; from?: string; to?: string };
        if (q.groupBy !== undefined && !(USAGE_GROUPS as readonly string[]).includes(q.groupBy)) {
          throw new UsineError('USINE_INVALID_REQUEST', `groupBy must be one of ${USAGE_GROUPS.join(', ')}`, [
            { path: 'groupBy', message: `not ${q.groupBy}` },
          ]);
        }
        return queryUsage(ctx, principal, {
          ...(q.groupBy ? { groupBy: q.groupBy as UsageGroup } : {}),
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
        });
      },
    },
    {
      method: 'POST',
      url: '/v1/usage',
      operationId: 'postUsage',
      summary:
        'Usage a site measured, as a JSON array of CloudEvents naming their jobs (deduplicated on source + id); the operator or a site’s metering key only, never a tenant’s key',
      tag: 'metering',
      auth: true,
      body: UsageEventBatch,
      responses: {
        200: { description: 'How many were new, how many already known', schema: UsageIngested },
        ...problems,
      },
      handle: async (request, _reply, principal) =>
        ingestUsageEvents(ctx, principal, parseJsonBody(request, UsageEventBatch)),
    },
    {
      method: 'GET',
      url: '/v1/usage/records',
      operationId: 'listUsageRecords',
      summary:
        'A tenant’s usage records (default: this month), each with its key and, for a compensating record, what it corrects and why',
      tag: 'metering',
      auth: true,
      query: UsageRecordQuery,
      responses: { 200: { description: 'Records, in ledger order', schema: UsageRecordList }, ...problems },
      handle: async (request, _reply, principal) => {
        const q = request.query as { tenant?: string; job?: string; from?: string; to?: string };
        const month = monthBoundsMs(monthOf(ctx.clock.now()));
        const items = await listUsageRecords(ctx, principal, {
          ...(q.tenant ? { tenant: q.tenant } : {}),
          ...(q.job ? { job: q.job } : {}),
          from: q.from ?? new Date(month.startMs).toISOString(),
          to: q.to ?? new Date(month.endMs).toISOString(),
        });
        return { items };
      },
    },
    {
      method: 'POST',
      url: '/v1/usage/corrections',
      operationId: 'correctUsage',
      summary:
        'The operator voids or adjusts a usage record by appending compensating records (audited); the original stays',
      tag: 'metering',
      auth: true,
      body: CorrectionBody,
      responses: {
        201: { description: 'The compensating records appended', schema: Correction },
        404: { description: 'No such record', schema: Problem },
        409: { description: 'The record is corrected already', schema: Problem },
        ...problems,
      },
      handle: async (request, reply, principal) => {
        const done = await correctUsage(ctx, principal, parseJsonBody(request, CorrectionBody));
        reply.code(201);
        return done;
      },
    },
    {
      method: 'GET',
      url: '/v1/invoices',
      operationId: 'listInvoices',
      summary: 'The tenant’s invoices of a month (default: this month; a draft until it ends)',
      tag: 'metering',
      auth: true,
      query: Type.Object({ month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })) }),
      responses: { 200: { description: 'Invoices, one per currency', schema: InvoiceList }, ...problems },
      handle: async (request, _reply, principal) => {
        const { month } = request.query as { month?: string };
        return { items: await listInvoices(ctx, principal, month) };
      },
    },
    {
      method: 'GET',
      url: '/v1/invoices/:id',
      operationId: 'getInvoice',
      summary:
        'One invoice as JSON, CSV (?format=csv) or a printable HTML page (?format=html); with ?project=, an agency client’s statement at resale prices',
      tag: 'metering',
      auth: true,
      query: Type.Object({
        format: Type.Optional(Type.Enum(['json', 'csv', 'html'])),
        project: Type.Optional(
          Type.String({ description: 'A resold client project: its statement at resale prices.' }),
        ),
      }),
      responses: {
        200: { description: 'The invoice', schema: Invoice },
        ...problems,
        404: { description: 'No such invoice', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const { id } = request.params as { id: string };
        const { format = 'json', project } = request.query as { format?: string; project?: string };
        const invoice = project
          ? await getClientStatement(ctx, principal, id, project)
          : await getInvoice(ctx, principal, id);
        if (format === 'csv') {
          void reply.type('text/csv; charset=utf-8').send(renderInvoiceCsv(invoice));
          return undefined;
        }
        if (format === 'html') {
          const tenant = await ctx.store.transaction((tx) => tx.getTenant(principal.tenantId ?? ''));
          void reply
            .type('text/html; charset=utf-8')
            .header('content-security-policy', INVOICE_HTML_CSP)
            .send(renderInvoiceHtml(invoice, tenant?.name ?? ''));
          return undefined;
        }
        if (format !== 'json')
          throw new UsineError('USINE_INVALID_REQUEST', 'format must be json, csv or html');
        return invoice;
      },
    },
    {
      method: 'PUT',
      url: '/v1/budgets/:scope',
      operationId: 'putBudget',
      summary: 'Set the monthly budget of the tenant (`tenant`) or a project (`project:NAME`)',
      tag: 'metering',
      auth: true,
      body: BudgetBody,
      responses: { 200: { description: 'The budget and where it stands', schema: BudgetView }, ...problems },
      handle: async (request, _reply, principal) => {
        const { scope } = request.params as { scope: string };
        // the router has decoded it already: decoding again made a lone % a 500
        return putBudget(ctx, principal, scope, parseJsonBody(request, BudgetBody));
      },
    },
    {
      method: 'GET',
      url: '/v1/budgets',
      operationId: 'listBudgets',
      summary: 'The tenant’s budgets, the share used this month and the alerts reached',
      tag: 'metering',
      auth: true,
      responses: { 200: { description: 'Budgets', schema: BudgetList }, ...problems },
      handle: async (_request, _reply, principal) => listBudgets(ctx, principal),
    },
    {
      method: 'PUT',
      url: '/v1/tenants/:id/billing',
      operationId: 'putBilling',
      summary: 'Set a tenant’s tax rate, statement currency, agency markups and commitments (operator)',
      tag: 'metering',
      auth: true,
      body: BillingBody,
      responses: {
        204: { description: 'Saved' },
        ...problems,
        404: { description: 'No such tenant', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const { id } = request.params as { id: string };
        await putBillingSettings(ctx, principal, id, parseJsonBody(request, BillingBody));
        void reply.code(204).send();
        return undefined;
      },
    },
  ];
}
