import type { Site } from '../../domain/catalog/catalog.js';
import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import type { AppContext } from '../context.js';
import {
  createServiceControllerState,
  type ServiceControllerState,
} from '../services/service-controller-state.js';
import type { GpuDevice } from '../ports/executor.js';
import type { StoreTx } from '../ports/store.js';

/**
 * Per-process memory of the reconciler: caches only, never the truth. The site scheduler is
 * rebuilt from the store at every pass (see admit-placed.ts), so a restart or another replica
 * taking the lock over needs nothing from here.
 */
export interface ReconcilerState {
  /** Each site's GPUs as its executor last reported them, and when (ms since the epoch). */
  readonly inventories: Map<string, { readonly devices: GpuDevice[]; readonly readAt: number }>;
  prepared?: PreparedCatalog;
  readonly tenantNames: Map<string, string>;
  readonly services: ServiceControllerState;
}

export function createReconcilerState(): ReconcilerState {
  return { inventories: new Map(), tenantNames: new Map(), services: createServiceControllerState() };
}

/** How many jobs one step claims per transaction. */
export const CLAIM_BATCH = 64;

/** How long a site's inventory is trusted before its executor is asked again (drained nodes leave it). */
export const INVENTORY_REFRESH_MS = 30_000;

/**
 * The site's GPUs, asked of its executor at most every `INVENTORY_REFRESH_MS` (or the executor's
 * own `inventoryRefreshMs`) of the context's
 * clock, so a node drained on the backend stops getting work (jobs already there keep running).
 * When the executor cannot answer, the last inventory stands until the next try.
 */
export async function inventoryOf(ctx: AppContext, state: ReconcilerState, site: Site): Promise<GpuDevice[]> {
  const known = state.inventories.get(site.name);
  const executor = ctx.executors.get(site.name);
  const now = ctx.clock.now().getTime();
  if (known && now - known.readAt < (executor?.inventoryRefreshMs ?? INVENTORY_REFRESH_MS))
    return known.devices;
  let devices: GpuDevice[];
  try {
    devices = (await executor?.inventory()) ?? [];
  } catch (error) {
    if (!known) throw error;
    devices = known.devices;
  }
  state.inventories.set(site.name, { devices, readAt: now });
  return devices;
}

/** A tenant's name (quotas are configured by name), read once per process. */
export async function nameTenant(state: ReconcilerState, tx: StoreTx, tenantId: string): Promise<string> {
  let name = state.tenantNames.get(tenantId);
  if (name === undefined) {
    name = (await tx.getTenant(tenantId))?.name ?? tenantId;
    state.tenantNames.set(tenantId, name);
  }
  return name;
}
