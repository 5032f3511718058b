import { placeJob } from '../../domain/placement/place-job.js';
import { describePlacementOutcome, type PlacementOutcome } from '../../domain/placement/placement-outcome.js';
import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import type { AppContext } from '../context.js';

/**
 * How old the reconciler's measure of the sites may be for a submission to be placed at once: a
 * pass takes seconds on a server saturated with submissions, and the load only steers the time
 * objective and `prefer` (admission decides on the GPUs as they are).
 */
const MAX_LOAD_AGE_MS = 30_000;
/** How long a tenant's name and whether it has budgets are trusted (budgets set here forget it). */
const TENANT_TTL_MS = 1_000;

interface TenantFacts {
  readonly name: string;
  readonly budgeted: boolean;
  readonly readAtMs: number;
}

/**
 * Places a job at submission, so the answer to `POST /v1/jobs` already says where it goes and
 * why. It uses the catalog and the live load of the sites that the reconciler measured at its
 * last pass (published here); without a recent one (no pass yet, or a replica that does not
 * hold the reconciler's lock), or for a tenant with budgets (the reconciler applies them), the
 * job stays queued and the reconciler places it, as before.
 */
export class LivePlacement {
  private latest:
    { prepared: PreparedCatalog; loads: ReadonlyMap<string, SiteLoad>; atMs: number } | undefined;
  private readonly tenants = new Map<string, Promise<TenantFacts>>();

  /** The reconciler's pass: the runnable sites and their load at `at`. */
  publish(prepared: PreparedCatalog, loads: ReadonlyMap<string, SiteLoad>, at: Date): void {
    this.latest = { prepared, loads, atMs: at.getTime() };
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
    at: Date,
  ): Promise<PlacementOutcome | undefined> {
    const latest = this.latest;
    if (!latest || at.getTime() - latest.atMs > MAX_LOAD_AGE_MS) return undefined;
    const tenant = await this.tenantFacts(ctx, tenantId, at.getTime());
    if (tenant.budgeted) return undefined;
    const result = placeJob({
      job: spec,
      policy: ctx.catalog.policies.find((p) => p.name === tenant.name),
      catalog: latest.prepared,
      at,
      load: latest.loads,
    });
    return describePlacementOutcome(result, spec);
  }

  private async tenantFacts(ctx: AppContext, tenantId: string, nowMs: number): Promise<TenantFacts> {
    const known = this.tenants.get(tenantId);
    if (known) {
      const facts = await known;
      if (nowMs - facts.readAtMs < TENANT_TTL_MS) return facts;
    }
    // concurrent submissions of one tenant share one read
    const read = ctx.store
      .transaction(async (tx) => ({
        name: (await tx.getTenant(tenantId))?.name ?? tenantId,
        budgeted: (await tx.listBudgets(tenantId)).length > 0,
        readAtMs: nowMs,
      }))
      .catch((error: unknown) => {
        this.tenants.delete(tenantId);
        throw error;
      });
    this.tenants.set(tenantId, read);
    return read;
  }
}
