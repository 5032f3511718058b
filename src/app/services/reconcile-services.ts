import { REVISION_LABEL } from '../../domain/jobs/labels.js';
import { isFinished } from '../../domain/jobs/lifecycle.js';
import type { ServiceSettings } from '../../domain/spec/service-spec.js';
import type { AppContext } from '../context.js';
import { commitSubmission } from '../jobs/commit-submission.js';
import { readJobSpecText } from '../jobs/read-job-spec.js';
import { stopJob } from '../jobs/stop-job.js';
import type { JobRecord } from '../ports/records.js';
import type { RoutedService } from '../ports/service-store.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import { autoscaleService } from './autoscale-service.js';
import { buildReplicaDocument } from './replica-document.js';
import { replicaBackoffSeconds, type ServiceControllerState } from './service-controller-state.js';

/**
 * The service controller's pass: for each live service, the autoscaler decides first (when the
 * spec asks for it), then replicas that ended are noted (with how,
 * as a service event) and replaced, after a backoff that grows with consecutive failures; missing
 * replicas are submitted as jobs (placed and admitted like any job); replicas above the desired
 * count are stopped, those that take no traffic first.
 */
export async function reconcileServices(ctx: AppContext, state: ServiceControllerState): Promise<void> {
  const services = await ctx.store.read((tx) => tx.listActiveServices());
  const live = new Set<string>();
  for (const service of services) {
    live.add(service.id);
    await reconcileService(ctx, state, service);
  }
  for (const id of state.replicas.keys()) if (!live.has(id)) state.replicas.delete(id);
  for (const id of state.backoff.keys()) if (!live.has(id)) state.backoff.delete(id);
  for (const id of state.autoscale.keys()) if (!live.has(id)) state.autoscale.delete(id);
}

async function reconcileService(ctx: AppContext, state: ServiceControllerState, routed: RoutedService) {
  const now = ctx.clock.now();
  const settings = readStoredSpec(`${routed.id}@${routed.revision}`, routed.document).service;
  const service = settings ? await autoscaleService(ctx, state, routed, settings) : routed;
  const replicas = await ctx.store.read((tx) => tx.listLiveReplicas(service.id));
  const rolledBack = await noteEnded(ctx, state, service, replicas);
  state.replicas.set(service.id, new Set(replicas.map((r) => r.id)));
  if (rolledBack) return; // the next pass works on the revision it went back to
  if (replicas.some((r) => ctx.traffic?.isReady(r.id))) state.backoff.delete(service.id);

  const revisionOf = (job: JobRecord) => Number(job.labels[REVISION_LABEL] ?? service.revision);
  const current = replicas.filter((r) => revisionOf(r) === service.revision);
  const old = replicas.filter((r) => revisionOf(r) !== service.revision);
  const backoff = state.backoff.get(service.id);
  const mayStart = !backoff || backoff.retryAt <= now.getTime();
  if (old.length > 0 && settings) {
    await rollOut(ctx, state, service, settings, current, old, mayStart);
    return;
  }
  const missing = service.desiredReplicas - replicas.length;
  if (missing > 0 && mayStart) {
    for (let i = 0; i < missing; i++) state.replicas.get(service.id)?.add(await startReplica(ctx, service));
  }
  if (missing < 0) {
    // the replicas that are not ready, then the newest: those hold the least traffic
    const victims = [...replicas]
      .sort(
        (a, b) =>
          Number(ctx.traffic?.isReady(a.id) ?? false) - Number(ctx.traffic?.isReady(b.id) ?? false) ||
          b.createdAt.localeCompare(a.createdAt),
      )
      .slice(0, -missing);
    for (const victim of victims)
      await retire(ctx, state, service, victim, `scaled to ${service.desiredReplicas}`);
  }
}

/**
 * One step of a rolling update: old-revision replicas that take no traffic are stopped, ready
 * ones as long as `desired - maxUnavailable` replicas stay ready, and new-revision replicas are
 * started up to the desired count, at most `maxSurge` above it in all.
 */
async function rollOut(
  ctx: AppContext,
  state: ServiceControllerState,
  service: RoutedService,
  settings: ServiceSettings,
  current: readonly JobRecord[],
  old: readonly JobRecord[],
  mayStart: boolean,
): Promise<void> {
  const desired = service.desiredReplicas;
  const { maxSurge, maxUnavailable } = settings.rollout;
  const isReady = (job: JobRecord) => ctx.traffic?.isReady(job.id) ?? false;
  const why = `replaced by revision ${service.revision}`;
  let oldLive = old.length;
  for (const replica of old.filter((r) => !isReady(r))) {
    await retire(ctx, state, service, replica, why);
    oldLive--;
  }
  let ready = old.filter(isReady).length + current.filter(isReady).length;
  const minReady = Math.max(0, desired - maxUnavailable);
  for (const replica of old.filter(isReady).sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    if (ready - 1 < minReady) break;
    await retire(ctx, state, service, replica, why);
    oldLive--;
    ready--;
  }
  const start = Math.min(desired - current.length, desired + maxSurge - (current.length + oldLive));
  if (mayStart)
    for (let i = 0; i < start; i++) state.replicas.get(service.id)?.add(await startReplica(ctx, service));
}

/** Stops a replica the service no longer wants, drained first, with its event. */
async function retire(
  ctx: AppContext,
  state: ServiceControllerState,
  service: RoutedService,
  replica: JobRecord,
  reason: string,
): Promise<void> {
  ctx.traffic?.drain(replica.id);
  await stopJob(ctx, replica, {
    actor: `service:${service.id}`,
    reason: `service ${service.name}: ${reason}`,
  });
  state.replicas.get(service.id)?.delete(replica.id);
  await ctx.store.transaction((tx) =>
    tx.appendServiceEvent(service.id, ctx.clock.now().toISOString(), 'replica-stopped', {
      job: replica.id,
      reason,
    }),
  );
}

/** Replicas seen live at the last pass and gone now: how each ended, and the backoff a failure sets. */
async function noteEnded(
  ctx: AppContext,
  state: ServiceControllerState,
  service: RoutedService,
  replicas: readonly JobRecord[],
): Promise<boolean> {
  const before = state.replicas.get(service.id);
  if (!before) return false;
  const now = ctx.clock.now();
  for (const id of before) {
    if (replicas.some((r) => r.id === id)) continue;
    const job = await ctx.store.read((tx) => tx.getJob(service.tenantId, id));
    if (!job || !isFinished(job.status) || job.status === 'cancelled') continue;
    const revision = Number(job.labels[REVISION_LABEL] ?? service.revision);
    const previous = replicas.map((r) => Number(r.labels[REVISION_LABEL])).filter((n) => n !== revision);
    if (revision === service.revision && previous.length > 0 && !ctx.traffic?.isReady(id)) {
      // the new revision's replica failed while old ones still serve: back to the old revision
      await rollBack(ctx, service, Math.max(...previous), job);
      return true;
    }
    const failures = (state.backoff.get(service.id)?.failures ?? 0) + 1;
    const delay = replicaBackoffSeconds(failures);
    state.backoff.set(service.id, { failures, retryAt: now.getTime() + delay * 1000 });
    await ctx.store.transaction((tx) =>
      tx.appendServiceEvent(service.id, now.toISOString(), 'replica-ended', {
        job: id,
        status: job.status,
        reason: job.reason,
        failures,
        replaceAfterSeconds: delay,
      }),
    );
  }
  return false;
}

async function rollBack(
  ctx: AppContext,
  service: RoutedService,
  to: number,
  failed: JobRecord,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.rollBackService(service.id, to, at))) return;
    const data = { from: service.revision, to, job: failed.id, status: failed.status, reason: failed.reason };
    await tx.appendServiceEvent(service.id, at, 'rolled-back', data);
    await tx.appendAudit({
      at,
      actor: `service:${service.id}`,
      tenantId: service.tenantId,
      action: 'service.rollback',
      subject: service.id,
      data,
    });
  });
}

async function startReplica(ctx: AppContext, service: RoutedService): Promise<string> {
  const number = await ctx.store.transaction((tx) => tx.takeReplicaNumber(service.id));
  const document = buildReplicaDocument(service.document, service.id, service.revision);
  const { spec } = readJobSpecText(JSON.stringify(document), service.name);
  const outcome = await commitSubmission(ctx, {
    tenantId: service.tenantId,
    project: service.project,
    actor: `service:${service.id}`,
    spec,
    document,
    idempotencyKey: `${service.id}/replica-${number}`,
  });
  if (outcome.outcome === 'conflict')
    throw new Error(`replica ${number} of ${service.id} exists with another spec`);
  await ctx.store.transaction((tx) =>
    tx.appendServiceEvent(service.id, ctx.clock.now().toISOString(), 'replica-started', {
      job: outcome.job.id,
      replica: number,
      revision: service.revision,
      status: outcome.job.status,
    }),
  );
  return outcome.job.id;
}
