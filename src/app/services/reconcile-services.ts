import { isFinished } from '../../domain/jobs/lifecycle.js';
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
  await noteEnded(ctx, state, service, replicas);
  state.replicas.set(service.id, new Set(replicas.map((r) => r.id)));
  if (replicas.some((r) => ctx.traffic?.isReady(r.id))) state.backoff.delete(service.id);

  const missing = service.desiredReplicas - replicas.length;
  const backoff = state.backoff.get(service.id);
  if (missing > 0 && (!backoff || backoff.retryAt <= now.getTime())) {
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
    for (const victim of victims) {
      ctx.traffic?.drain(victim.id);
      await stopJob(ctx, victim, {
        actor: `service:${service.id}`,
        reason: `service ${service.name} scaled to ${service.desiredReplicas}`,
      });
      state.replicas.get(service.id)?.delete(victim.id);
      await ctx.store.transaction((tx) =>
        tx.appendServiceEvent(service.id, ctx.clock.now().toISOString(), 'replica-stopped', {
          job: victim.id,
          reason: `scaled to ${service.desiredReplicas}`,
        }),
      );
    }
  }
}

/** Replicas seen live at the last pass and gone now: how each ended, and the backoff a failure sets. */
async function noteEnded(
  ctx: AppContext,
  state: ServiceControllerState,
  service: RoutedService,
  replicas: readonly JobRecord[],
): Promise<void> {
  const before = state.replicas.get(service.id);
  if (!before) return;
  const now = ctx.clock.now();
  for (const id of before) {
    if (replicas.some((r) => r.id === id)) continue;
    const job = await ctx.store.read((tx) => tx.getJob(service.tenantId, id));
    if (!job || !isFinished(job.status) || job.status === 'cancelled') continue;
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
