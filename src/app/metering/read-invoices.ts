import { buildInvoices } from '../../domain/metering/build-invoice.js';
import { buildClientStatement } from '../../domain/metering/client-statement.js';
import { DEFAULT_BILLING, type Invoice } from '../../domain/metering/invoice.js';
import { isMonthFinal } from '../../domain/metering/late-usage.js';
import { isMonth, monthBoundsMs, monthOf } from '../../domain/metering/month.js';
import { formatDecimal } from '../../domain/money/decimal.js';
import { formatMoney } from '../../domain/money/money.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { StoreTx } from '../ports/store.js';

export type InvoiceView = ReturnType<typeof toInvoiceView>;

/**
 * The tenant's invoices of a month (default: this one), one per currency: drafts computed
 * from the ledger while the month runs; an hour after it ends, final, frozen the first time
 * they are read, never recomputed.
 */
export async function listInvoices(
  ctx: AppContext,
  principal: Principal,
  month?: string,
): Promise<InvoiceView[]> {
  requireAllowed(principal, 'usage.read');
  const tenantId = requireTenant(principal);
  const which = month ?? monthOf(ctx.clock.now());
  if (!isMonth(which)) throw new UsineError('USINE_INVALID_REQUEST', `month must be YYYY-MM, not ${which}`);
  return readTenantInvoices(ctx, tenantId, which);
}

/** `listInvoices` for a tenant the caller was already allowed to read (the export's). */
export async function readTenantInvoices(
  ctx: Pick<AppContext, 'store' | 'clock' | 'catalog'>,
  tenantId: string,
  which: string,
): Promise<InvoiceView[]> {
  const now = ctx.clock.now();
  const { startMs } = monthBoundsMs(which);
  if (startMs > now.getTime()) return [];
  const isFinal = isMonthFinal(which, now.getTime());
  return ctx.store.transaction(async (tx) => {
    if (isFinal) {
      const frozen = await tx.listFinalInvoices(tenantId, which);
      if (frozen.length > 0) return frozen as InvoiceView[];
    }
    const invoices = await computeInvoices(ctx, tx, tenantId, which, isFinal ? 'final' : 'draft');
    const views = invoices.map(toInvoiceView);
    if (isFinal) {
      for (const view of views)
        await tx.saveFinalInvoice(tenantId, which, view.currency, view, now.toISOString());
    }
    return views;
  });
}

export async function computeInvoices(
  ctx: { readonly catalog: Pick<AppContext['catalog'], 'exchangeRates'> },
  tx: StoreTx,
  tenantId: string,
  month: string,
  status: 'draft' | 'final',
): Promise<Invoice[]> {
  const { startMs, endMs } = monthBoundsMs(month);
  const records = await tx.listUsage(tenantId, {
    from: new Date(startMs).toISOString(),
    to: new Date(endMs).toISOString(),
    billedIn: month,
  });
  return buildInvoices({
    tenantId,
    month,
    records,
    settings: (await tx.getBillingSettings(tenantId)) ?? DEFAULT_BILLING,
    rates: ctx.catalog.exchangeRates,
    status,
  });
}

/**
 * An agency's client's statement: the invoice's lines of `project` at resale prices
 * (`inv_2026-11_EUR` + `?project=`); 404 when the project is not resold (no markup).
 */
export async function getClientStatement(
  ctx: AppContext,
  principal: Principal,
  id: string,
  project: string,
): Promise<InvoiceView> {
  const invoice = await getInvoice(ctx, principal, id);
  const tenantId = requireTenant(principal);
  const invoices = await ctx.store.transaction((tx) =>
    computeInvoices(ctx, tx, tenantId, invoice.month, invoice.status),
  );
  const own = invoices.find((i) => i.id === id);
  const statement = own && buildClientStatement(own, project);
  if (!statement)
    throw new UsineError('USINE_NOT_FOUND', `project ${project} is not resold on ${id}: it has no markup`);
  return toInvoiceView(statement);
}

/** One invoice by id (`inv_2026-11_EUR`); 404 when the tenant has none such. */
export async function getInvoice(ctx: AppContext, principal: Principal, id: string): Promise<InvoiceView> {
  const match = /^inv_(\d{4}-\d{2})_([A-Z]{3})$/.exec(id);
  const found = match ? (await listInvoices(ctx, principal, match[1])).find((i) => i.id === id) : undefined;
  if (!found) throw new UsineError('USINE_NOT_FOUND', `no invoice ${id}: ids look like inv_2026-11_EUR`);
  return found;
}

/** The invoice as the API writes it: money as `"12.34 EUR"`, quantities as exact decimals. */
export function toInvoiceView(invoice: Invoice) {
  return {
    id: invoice.id,
    month: invoice.month,
    status: invoice.status,
    currency: invoice.currency,
    lines: invoice.lines.map((l) => ({
      period: l.period,
      simulated: l.simulated,
      project: l.project,
      site: l.site,
      gpuModel: l.gpuModel,
      offering: l.offering,
      gpuSeconds: formatDecimal(l.gpuSeconds),
      gpuHours: formatDecimal(l.gpuHours),
      unitPrice: formatMoney(l.unitPrice),
      amount: formatMoney(l.amount),
      resale: l.resale && {
        markup: formatDecimal(l.resale.markup),
        amount: formatMoney(l.resale.amount),
        margin: formatMoney(l.resale.margin),
      },
    })),
    subtotal: formatMoney(invoice.subtotal),
    taxRate: formatDecimal(invoice.taxRate),
    taxLabel: invoice.taxLabel,
    tax: formatMoney(invoice.tax),
    total: formatMoney(invoice.total),
    converted: invoice.converted && {
      currency: invoice.converted.currency,
      subtotal: formatMoney(invoice.converted.subtotal),
      tax: formatMoney(invoice.converted.tax),
      total: formatMoney(invoice.converted.total),
      rates: invoice.converted.rates,
      asOf: invoice.converted.asOf,
    },
    margin: invoice.margin && formatMoney(invoice.margin),
  };
}
