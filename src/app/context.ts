import type { Catalog } from '../domain/catalog/catalog.js';
import type { AuditVerifier } from './audit/audit-verifier.js';
import type { FleetSettings } from './fleet/fleet-settings.js';
import type { JobMove } from './jobs/job-move.js';
import type { LivePlacement } from './jobs/live-placement.js';
import type { Clock, IdSource } from './ports/clock.js';
import type { Executor } from './ports/executor.js';
import type { ServiceTraffic } from './ports/service-traffic.js';
import type { Store } from './ports/store.js';

/** What the use cases need from the world, wired once by the composition root. */
export interface AppContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly catalog: Catalog;
  /** The executor of each site, by site name. */
  readonly executors: ReadonlyMap<string, Executor>;
  /** Places jobs at submission with what the reconciler last measured (absent: it places them). */
  readonly livePlacement?: LivePlacement;
  /** Live (neither revoked nor expired) keys a tenant may hold; default 100. */
  readonly maxKeysPerTenant?: number;
  /** Keeps the audit chain verified and checkpointed (absent: the audit routes answer 503). */
  readonly audit?: AuditVerifier;
  /** How agents heartbeat and when a silent one is unreachable (absent: the defaults). */
  readonly fleet?: FleetSettings;
  /**
   * Called after a job changed (committed), so streams (SSE, log follow) wake up at once;
   * with `move` when its status changed, for the operator's log.
   */
  readonly onJobChange?: (jobId: string, move?: JobMove) => void;
  /** The gateway's view of service traffic and replica health (absent: no gateway here). */
  readonly traffic?: ServiceTraffic;
}
