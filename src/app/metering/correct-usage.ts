import { compensateUsage } from '../../domain/metering/compensate-usage.js';
import { gpuSecondsOf, milliGpuMs, type UsageRecord } from '../../domain/metering/usage-record.js';
import { formatDecimal, parseDecimal } from '../../domain/money/decimal.js';
import { formatMoney } from '../../domain/money/money.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { invalidField, UsineError } from '../errors.js';

export interface CorrectionBody {
  /** The key of the record corrected. */
  readonly of: string;
  readonly kind: 'void' | 'adjust';
  readonly reason: string;
  readonly gpus?: number;
  readonly start?: string;
  readonly end?: string;
  readonly energyWh?: string;
}

/**
 * The operator corrects a usage record by appending compensating records (ADR 0010), with
 * its audit entry (`usage.void`, `usage.adjust`) in the same transaction: the original stays,
 * usage, invoices and budgets are sums and follow. A record is corrected once (409 after).
 */
export async function correctUsage(
  ctx: AppContext,
  principal: Principal,
  body: CorrectionBody,
): Promise<{ corrected: string; records: UsageRecordView[] }> {
  requireAllowed(principal, 'usage.correct');
  const now = ctx.clock.now();
  const energyWh = body.energyWh === undefined ? undefined : parseDecimal(body.energyWh);
  if (body.energyWh !== undefined && energyWh === undefined)
    throw invalidField(
      'energyWh',
      `must be a decimal number of watt-hours, not ${JSON.stringify(body.energyWh)}`,
    );
  const records = await ctx.store.transaction(async (tx) => {
    const original = await tx.lockUsageRecord(body.of);
    if (!original) throw new UsineError('USINE_NOT_FOUND', `no usage record ${body.of}`);
    if (await tx.isUsageCorrected(body.of))
      throw new UsineError(
        'USINE_CONFLICT',
        `${body.of} is corrected already: correct its replacement (${body.of}~adjust) instead`,
      );
    const result = compensateUsage(
      original,
      { kind: body.kind, reason: body.reason, by: principal.keyId, at: now.toISOString() },
      body.kind === 'adjust'
        ? {
            ...(body.gpus !== undefined ? { milliGpus: Math.round(body.gpus * 1000) } : {}),
            ...(body.start !== undefined ? { start: new Date(body.start).toISOString() } : {}),
            ...(body.end !== undefined ? { end: new Date(body.end).toISOString() } : {}),
            ...(energyWh !== undefined ? { energyWh } : {}),
          }
        : undefined,
      now,
    );
    if (!result.ok) throw invalidField(result.path, result.message);
    await tx.appendUsage(result.records);
    await tx.appendAudit({
      at: now.toISOString(),
      actor: `key:${principal.keyId}`,
      tenantId: original.tenantId,
      action: `usage.${body.kind}`,
      subject: original.key,
      data: {
        reason: body.reason,
        records: result.records.map((r) => r.key),
        ...(body.kind === 'adjust'
          ? { gpus: body.gpus, start: body.start, end: body.end, energyWh: body.energyWh }
          : {}),
      },
    });
    return result.records;
  });
  ctx.livePlacement?.forgetTenant(records[0]?.tenantId ?? ''); // budgets are read again
  return { corrected: body.of, records: records.map(toUsageRecordView) };
}

/**
 * A tenant's usage records of `[from, to)` (default: this month), one job's with `job`: each
 * with its key, what it measured and, for a compensating record, what it corrects and why.
 * The operator names the tenant; a tenant's key reads its own.
 */
export async function listUsageRecords(
  ctx: AppContext,
  principal: Principal,
  query: { readonly tenant?: string; readonly job?: string; readonly from: string; readonly to: string },
): Promise<UsageRecordView[]> {
  requireAllowed(principal, 'usage.read');
  const tenantId = principal.tenantId ?? query.tenant;
  if (tenantId === undefined)
    throw invalidField('tenant', "the operator's key names the tenant (?tenant=ID)");
  if (principal.tenantId !== null && query.tenant !== undefined && query.tenant !== principal.tenantId)
    return [];
  const records = await ctx.store.read((tx) => tx.listUsage(tenantId, { from: query.from, to: query.to }));
  return records.filter((r) => query.job === undefined || r.jobId === query.job).map(toUsageRecordView);
}

export type UsageRecordView = ReturnType<typeof toUsageRecordView>;

function toUsageRecordView(r: UsageRecord) {
  return {
    key: r.key,
    tenantId: r.tenantId,
    project: r.project,
    job: r.jobId,
    site: r.site,
    gpuModel: r.gpuModel,
    offering: r.offering,
    gpus: formatDecimal({ coefficient: BigInt(r.milliGpus), scale: 3 }),
    start: r.start,
    end: r.end,
    gpuSeconds: formatDecimal(gpuSecondsOf(milliGpuMs(r))),
    energyWh: formatDecimal(r.energyWh),
    pricePerGpuHour: formatMoney(r.pricePerGpuHour),
    simulated: r.timeScale !== 1,
    invoiceMonth: r.invoiceMonth,
    correction: r.correction,
  };
}
