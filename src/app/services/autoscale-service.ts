import { decideScale } from '../../domain/services/decide-scale.js';
import type { ServiceSettings } from '../../domain/spec/service-spec.js';
import type { AppContext } from '../context.js';
import type { RoutedService } from '../ports/service-store.js';
import type { ServiceControllerState } from './service-controller-state.js';

/**
 * One autoscaling decision for a service from what this server's gateway measured: the wanted
 * count is recorded for the scale-down delay, and a change is stored with a service event that
 * carries every input of the decision. Returns the service as it now stands.
 */
export async function autoscaleService(
  ctx: AppContext,
  state: ServiceControllerState,
  service: RoutedService,
  settings: ServiceSettings,
): Promise<RoutedService> {
  const autoscale = settings.autoscale;
  if (!autoscale || !ctx.traffic) return service;
  const now = ctx.clock.now();
  const measures = ctx.traffic.describeService(service.id);
  const history = state.autoscale.get(service.id) ?? [];
  const inputs = {
    settings: autoscale,
    min: settings.replicas.min,
    max: settings.replicas.max,
    current: service.desiredReplicas,
    inflight: measures.inflight,
    held: measures.held,
    rps: measures.rps,
    idleSeconds: measures.idleSeconds ?? (now.getTime() - Date.parse(service.createdAt)) / 1000,
    recent: history.map(([at, wanted]) => [(now.getTime() - at) / 1000, wanted] as const),
  };
  const decision = decideScale(inputs);
  // keep the decisions of the scale-down delay, and the first one older (it says the delay is covered)
  const keepFrom = now.getTime() - autoscale.scaleDownDelay * 1000;
  const kept = history.filter(([at]) => at >= keepFrom);
  const older = history.filter(([at]) => at < keepFrom).at(-1);
  state.autoscale.set(service.id, [...(older ? [older] : []), ...kept, [now.getTime(), decision.wanted]]);
  if (decision.to === service.desiredReplicas) return service;
  const at = now.toISOString();
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.setDesiredReplicas(service.id, decision.to, at);
    if (!next) return undefined;
    await tx.appendServiceEvent(service.id, at, 'autoscaled', {
      from: service.desiredReplicas,
      to: decision.to,
      reason: decision.reason,
      wanted: decision.wanted,
      metric: autoscale.metric,
      target: autoscale.target,
      inflight: measures.inflight,
      held: measures.held,
      rps: measures.rps,
      idleSeconds: inputs.idleSeconds,
      scaleDownDelaySeconds: autoscale.scaleDownDelay,
      scaleToZeroAfterSeconds: autoscale.scaleToZeroAfter ?? null,
    });
    return next;
  });
  return updated ? { ...service, desiredReplicas: updated.desiredReplicas } : service;
}
