import type { Site } from '../../domain/catalog/catalog.js';
import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import type { AppContext } from '../context.js';
import type { GpuDevice } from '../ports/executor.js';

/** Per-process memory of the reconciler: GPU inventories and the prepared catalog. */
export interface ReconcilerState {
  readonly inventories: Map<string, GpuDevice[]>;
  prepared?: PreparedCatalog;
  readonly tenantNames: Map<string, string>;
}

export function createReconcilerState(): ReconcilerState {
  return { inventories: new Map(), tenantNames: new Map() };
}

/** How many jobs one step claims per transaction. */
export const CLAIM_BATCH = 64;

/** The site's GPUs, asked of its executor once per process. */
export async function inventoryOf(ctx: AppContext, state: ReconcilerState, site: Site): Promise<GpuDevice[]> {
  const known = state.inventories.get(site.name);
  if (known) return known;
  const devices = (await ctx.executors.get(site.name)?.inventory()) ?? [];
  state.inventories.set(site.name, devices);
  return devices;
}
