import type { PlacementOutcome } from '../../domain/placement/placement-outcome.js';
import type { JobSpec } from '../../domain/spec/job-spec.js';
import type { AppContext } from '../context.js';
import { decidePlacement, readTenantPlacementFacts, type TenantPlacementFacts } from './decide-placement.js';
import { claimPlacement, type PlacementSnapshot } from './placement-snapshot.js';

/**
 * How old the reconciler's measure of the sites may be for a submission to be placed at once: a
 * pass takes seconds on a server saturated with submissions, and the load only steers the
 * expected starts (admission decides on the GPUs as they are).
 */
const MAX_LOAD_AGE_MS = 30_000;
/** How long a tenant's name, policy and budgets are trusted (budgets set here forget them). */
const TENANT_TTL_MS = 1_000;
/**
 * How far before a new measure a placement made here is still counted on top of it: the
 * measure reads the placed jobs the store had committed, and a decision is committed a few
 * milliseconds after it is made (group commit). Counting one twice only spreads more.
 */
const CLAIM_OVERLAP_MS = 1_000;

/** A placement made here: counted in every snapshot measured before it was committed. */
interface Claim {
  readonly atMs: number;
  readonly tenantId: string;
  readonly site: string;
  readonly gpuModel: string;
  readonly spec: JobSpec;
}

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
  private claims: Claim[] = [];

  /**
   * The reconciler's pass: the runnable sites, their load (placed jobs counted), capabilities
   * and quota use. The placements made here since just before it was measured are counted on
   * it, so the decisions that follow see them.
   */
  publish(snapshot: PlacementSnapshot): void {
    const since = snapshot.measuredAt.getTime() - CLAIM_OVERLAP_MS;
    this.claims = this.claims.filter((c) => c.atMs >= since);
    for (const c of this.claims) claimPlacement(snapshot, c.tenantId, c.site, c.gpuModel, c.spec);
    this.latest = snapshot;
  }

  /** A budget of the tenant changed: its next submission looks again. */
  forgetTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  /**
   * The decision a submission of this spec would get now, claiming nothing (a dry run), or
   * undefined when there is no recent measure of the sites to decide on.
   */
  async preview(
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

  /** The placement of a new job, or undefined when the reconciler should place it. */
  async decide(
    ctx: AppContext,
    tenantId: string,
    spec: JobSpec,
    project: string,
    at: Date,
  ): Promise<PlacementOutcome | undefined> {
    const snapshot = this.latest;
    const outcome = await this.preview(ctx, tenantId, spec, project, at);
    if (!outcome || !snapshot) return outcome;
    const gpuModel = outcome.view.decision?.gpuModel;
    if (outcome.to === 'placed' && outcome.site !== null && gpuModel !== undefined) {
      claimPlacement(snapshot, tenantId, outcome.site, gpuModel, spec);
      // a newer snapshot may have been published while the tenant was read
      if (this.latest && this.latest !== snapshot)
        claimPlacement(this.latest, tenantId, outcome.site, gpuModel, spec);
      this.claims.push({ atMs: at.getTime(), tenantId, site: outcome.site, gpuModel, spec });
    }
    return outcome;
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
