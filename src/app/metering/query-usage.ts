import { monthBoundsMs, monthOf } from '../../domain/metering/month.js';
import { summariseUsage, type UsageGroup } from '../../domain/metering/usage-summary.js';
import { formatDecimal } from '../../domain/money/decimal.js';
import { requireAllowed, requireTenant, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';

/** The tenant's usage in `[from, to)` (default: this month), grouped by one dimension. */
export async function queryUsage(
  ctx: AppContext,
  principal: Principal,
  query: { readonly groupBy?: UsageGroup; readonly from?: string; readonly to?: string },
) {
  requireAllowed(principal, 'usage.read');
  const tenantId = requireTenant(principal);
  const month = monthBoundsMs(monthOf(ctx.clock.now()));
  const from = query.from ?? new Date(month.startMs).toISOString();
  const to = query.to ?? new Date(month.endMs).toISOString();
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || Date.parse(from) > Date.parse(to)) {
    throw new UsineError('USINE_INVALID_REQUEST', 'from and to must be RFC 3339 instants with from ≤ to', [
      { path: 'from', message: `${from} … ${to}` },
    ]);
  }
  const records = await ctx.store.transaction((tx) => tx.listUsage(tenantId, { from, to }));
  const items = summariseUsage(records, query.groupBy ?? 'project').map((i) => ({
    key: i.key,
    gpuSeconds: formatDecimal(i.gpuSeconds),
    energyWh: formatDecimal(i.energyWh),
    cost: i.cost,
    simulated: i.simulated,
  }));
  return { items, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
