import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import {
  buildComputeReport,
  type ComputeReport,
  type ReportSite,
} from '../../domain/energy/compute-report.js';
import { GRID_CARBON_SOURCE, findCountryGridCarbon } from '../../domain/energy/grid-carbon.js';
import { PRECISIONS, type Precision } from '../../domain/energy/gpu-peak-flops.js';
import { compareDecimals, parseDecimal, type Decimal } from '../../domain/money/decimal.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';

/** Model FLOP utilisation assumed when the caller gives none: 40 %, large-transformer training's usual range (30–50 %). */
export const DEFAULT_UTILISATION = '0.4';

export interface ComputeReportRequest {
  readonly model?: string;
  readonly from?: string;
  readonly to?: string;
  readonly precision?: string;
  readonly utilisation?: string;
}

export interface SealedComputeReport {
  readonly report: ComputeReport;
  /** SHA-256 of the report's canonical JSON: the audit entry `report.compute` holds the report and this. */
  readonly sha256: string;
}

/**
 * The AI Act compute and energy report of one of the tenant's models, sealed: the report and
 * its hash go into the audit chain as `report.compute`, so its numbers can be proved later.
 */
export async function reportCompute(
  ctx: AppContext,
  principal: Principal,
  request: ComputeReportRequest,
): Promise<SealedComputeReport> {
  requireAllowed(principal, 'usage.read');
  const tenantId = requireTenant(principal);
  const { model, precision, utilisation, from, to } = readRequest(request);
  const generatedAt = ctx.clock.now().toISOString();
  const { jobs, records } = await ctx.store.transaction(async (tx) => {
    const modelJobs = await tx.listModelJobs(tenantId, model);
    return {
      jobs: modelJobs,
      records: await tx.listUsageOfJobs(
        modelJobs.map((j) => j.id),
        from,
        to,
      ),
    };
  });
  const sites = new Map<string, ReportSite>();
  for (const site of ctx.catalog.sites) {
    const own = site.gridCarbonGPerKWh;
    sites.set(site.name, {
      country: site.country,
      pue: site.pue,
      gridCarbonGPerKWh: own ?? findCountryGridCarbon(site.country) ?? 0,
      gridSource:
        own !== undefined ? 'the site’s own figure (catalog)' : `${site.country}: ${GRID_CARBON_SOURCE}`,
    });
  }
  const report = buildComputeReport({
    model,
    from,
    to,
    generatedAt,
    precision,
    utilisation,
    jobs: jobs.map((j) => ({
      id: j.id,
      name: j.name,
      kind: j.kind,
      site: j.site,
      startedAt: j.startedAt,
      finishedAt: j.finishedAt,
    })),
    records,
    sites,
  });
  const sha256 = createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex');
  await ctx.store.transaction((tx) =>
    tx.appendAudit({
      at: generatedAt,
      actor: `key:${principal.keyId}`,
      tenantId,
      action: 'report.compute',
      subject: model,
      data: { sha256, report },
    }),
  );
  return { report, sha256 };
}

function readRequest(request: ComputeReportRequest): {
  model: string;
  precision: Precision;
  utilisation: Decimal;
  from: string | null;
  to: string | null;
} {
  const errors: { path: string; message: string }[] = [];
  const model = request.model ?? '';
  if (model === '')
    errors.push({
      path: 'model',
      message: 'required: the model, as metadata.model or the label usine.dev/model says',
    });
  const precision = (request.precision ?? 'bf16').toLowerCase();
  if (!(PRECISIONS as readonly string[]).includes(precision))
    errors.push({ path: 'precision', message: `one of ${PRECISIONS.join(', ')}` });
  const utilisation = parseDecimal(request.utilisation ?? DEFAULT_UTILISATION);
  if (
    !utilisation ||
    compareDecimals(utilisation, { coefficient: 0n, scale: 0 }) <= 0 ||
    compareDecimals(utilisation, { coefficient: 1n, scale: 0 }) > 0
  )
    errors.push({ path: 'utilisation', message: 'a fraction above 0 and at most 1: "0.4" for 40 %' });
  const instant = (field: 'from' | 'to') => {
    const text = request[field];
    if (text === undefined) return null;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) errors.push({ path: field, message: 'an RFC 3339 instant: 2026-11-01T00:00:00Z' });
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to && from >= to) errors.push({ path: 'to', message: 'must be after from' });
  if (errors.length > 0 || !utilisation)
    throw new UsineError('USINE_INVALID_REQUEST', 'the compute report’s parameters are invalid', errors);
  return { model, precision: precision as Precision, utilisation, from, to };
}
