import type { TenantUsage } from '../jobs/placement-snapshot.js';
import type { GpuDevice } from '../ports/executor.js';
import type { JobRecord } from '../ports/records.js';

/**
 * What each tenant holds on one site, by lower-case GPU model, in milli-GPU: the admitted and
 * running jobs' grants, each GPU's model read from the site's inventory (a grant on a node the
 * inventory no longer lists counts nothing: it holds no GPU of the rebuilt site either).
 */
export function measureTenantUsage(
  site: string,
  devices: readonly GpuDevice[],
  allocated: readonly JobRecord[],
): TenantUsage {
  const models = new Map<string, string>();
  for (const d of devices) models.set(`${d.node}#${d.index}`, d.model.toLowerCase());
  const usage: TenantUsage = new Map();
  for (const job of allocated) {
    if (job.allocation?.site !== site) continue;
    let held = usage.get(job.tenantId);
    if (!held) usage.set(job.tenantId, (held = new Map()));
    for (const grant of job.allocation.nodes) {
      const model = models.get(`${grant.node}#${grant.gpuIndices[0] ?? -1}`);
      if (model !== undefined) held.set(model, (held.get(model) ?? 0) + grant.milliGpus);
    }
  }
  return usage;
}
