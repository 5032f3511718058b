import type { PlacementOutcome } from '../../domain/placement/placement-outcome.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import type { AppContext } from '../context.js';
import { decidePlacement, readTenantPlacementFacts, type TenantPlacementFacts } from './decide-placement.js';
import type { PlacementSnapshot } from './placement-snapshot.js';

/**
 * How old the reconciler's measure of the sites may be for a submission to be placed at once: a
 * pass takes seconds on a server saturated with submissions, and the load only steers the
 * expected starts (admission decides on the GPUs as they are).
 */
const MAX_LOAD_AGE_MS = 30_000;
/** How long a tenant's name, policy and budgets are trusted (budgets set here forget them). */
const TENANT_TTL_MS = 1_000;

interface KnownTenant {
  readonly facts: TenantPlacementFacts;
  readonly snapshot: PlacementSnapshot;
  readonly readAtMs: number;
}

/**
 * Places a job at submission with the decision the reconciler would make (`decidePlacement`),
 * so the answer to `POST /v1/jobs` already says where it goes and why, budgets and quotas
 * included. It uses the snapshot of the sites that the reconciler measured at its last pass
 * (published here); without a recent one (no pass yet, or a replica that does not hold the
 * reconciler's lock) the job stays queued and the reconciler places it.
 */
export class LivePlacement {
  private latest: PlacementSnapshot | undefined;
  private readonly tenants = new Map<string, Promise<KnownTenant>>();

  /** The reconciler's pass: the runnable sites, their load, capabilities and quota use. */
  publish(snapshot: PlacementSnapshot): void {
    this.latest = snapshot;
  }

  /** A budget of the tenant changed: its next submission looks again. */
  forgetTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  /** The placement of a new job, or undefined when the reconciler should place it. */
  async decide(
    ctx: AppContext,
    tenantId: string,
    spec: JobSpec,
    project: string,
    at: Date,
  ): Promise<PlacementOutcome | undefined> {
    const snapshot = this.latest;
    if (!snapshot || at.getTime() - snapshot.measuredAt.getTime() > MAX_LOAD_AGE_MS) return undefined;
    const tenant = await this.tenantFacts(ctx, tenantId, snapshot, at);
    return decidePlacement(snapshot, tenant, spec, project, at);
  }

  private async tenantFacts(
    ctx: AppContext,
    tenantId: string,
    snapshot: PlacementSnapshot,
    at: Date,
  ): Promise<TenantPlacementFacts> {
    const nowMs = at.getTime();
    const known = this.tenants.get(tenantId);
    if (known) {
      const tenant = await known;
      if (nowMs - tenant.readAtMs < TENANT_TTL_MS && tenant.snapshot === snapshot) return tenant.facts;
    }
    // concurrent submissions of one tenant share one read
    const read = ctx.store
      .transaction(async (tx) => {
        const name = (await tx.getTenant(tenantId))?.name ?? tenantId;
        const facts = await readTenantPlacementFacts(ctx, tx, snapshot, tenantId, name, at);
        return { facts, snapshot, readAtMs: nowMs };
      })
      .catch((error: unknown) => {
        this.tenants.delete(tenantId);
        throw error;
      });
    this.tenants.set(tenantId, read);
    return (await read).facts;
  }
}
