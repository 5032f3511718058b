import type { Static } from 'typebox';
import type { UsageEventBatch } from '../../api/metering-schemas.js';
import { estimateEnergyWh } from '../../domain/metering/estimate-energy.js';
import type { UsageOffering, UsageRecord } from '../../domain/metering/usage-record.js';
import { parseDecimal } from '../../domain/money/decimal.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError, type FieldError } from '../errors.js';

/**
 * Usage a site reports on its own, as CloudEvents: each becomes a ledger record keyed
 * `ext:<source>:<id>` (so a resent event charges nothing), priced at the site's offering
 * for the GPU model now (the price at ingestion is the price fixed). All or nothing: one
 * bad event refuses the batch, with the path of every problem.
 */
export async function ingestUsageEvents(
  ctx: AppContext,
  principal: Principal,
  events: Static<typeof UsageEventBatch>,
): Promise<{ accepted: number; duplicates: number }> {
  requireAllowed(principal, 'job.submit');
  const tenantId = requireTenant(principal);
  const problems: FieldError[] = [];
  const records: UsageRecord[] = [];
  const seen = new Set<string>();
  events.forEach((event, i) => {
    const d = event.data;
    const at = (field: string, message: string) => problems.push({ path: `[${i}].data.${field}`, message });
    const site = ctx.catalog.sites.find((s) => s.name === d.site);
    const offering: UsageOffering = d.offering ?? 'on-demand';
    const priced = site?.offerings.find((o) => o.gpuModel === d.gpuModel && o.kind === offering);
    const row = site?.capacity.find((c) => c.gpuModel === d.gpuModel);
    const startMs = Date.parse(d.start);
    const endMs = Date.parse(d.end);
    const milliGpus = Math.round(d.gpus * 1000);
    if (!site) at('site', `no site ${d.site} in the catalog`);
    else if (!priced) at('gpuModel', `site ${d.site} has no ${offering} offering of ${d.gpuModel}`);
    if (!(endMs >= startMs)) at('end', 'must be at or after start');
    if (milliGpus < 1) at('gpus', 'must be at least 0.001');
    const energy = d.energyWh === undefined ? undefined : parseDecimal(d.energyWh);
    if (!site || !priced || !(endMs >= startMs) || milliGpus < 1) return;
    const key = `ext:${tenantId}:${event.source}:${event.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    records.push({
      key,
      tenantId,
      project: principal.project ?? d.project ?? 'default',
      jobId: d.job ?? null,
      site: site.name,
      gpuModel: d.gpuModel,
      offering,
      milliGpus,
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      energyWh:
        energy ??
        estimateEnergyWh({
          quantity: BigInt(milliGpus) * BigInt(endMs - startMs),
          boardPowerW: row?.boardPowerW ?? 0,
          pue: site.pue,
        }),
      pricePerGpuHour: priced.pricePerGpuHour,
      minimumSeconds: null,
      isFinal: false,
    });
  });
  if (problems.length > 0) {
    throw new UsineError(
      'USINE_INVALID_REQUEST',
      `${problems.length} problem(s) in the events; first: ${problems[0]?.path}: ${problems[0]?.message}`,
      problems,
    );
  }
  const accepted = await ctx.store.transaction((tx) => tx.appendUsage(records));
  return { accepted, duplicates: events.length - accepted };
}
