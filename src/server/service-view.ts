import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import type { ServiceDetail } from '../app/services/query-services.js';
import { readStoredSpec } from '../app/jobs/read-job-spec.js';
import type { ServiceView } from '../api/service-schemas.js';
import type { WorkloadDocument } from '../domain/spec/schema.js';
import { REVISION_LABEL } from '../domain/jobs/labels.js';

/** A service as the API shows it: its replicas with the gateway's view of them, its traffic. */
export function toServiceView(
  ctx: AppContext,
  request: FastifyRequest,
  tenantName: string,
  detail: ServiceDetail,
): ServiceView {
  const { service, replicas, events, tokens } = detail;
  const sum = (pick: (t: (typeof tokens)[number]) => number) => tokens.reduce((n, t) => n + pick(t), 0);
  const settings = readStoredSpec(`${service.id}@${service.revision}`, service.document).service;
  const items = replicas.map((job) => {
    const traffic = ctx.traffic?.describeReplica(job.id);
    return {
      job: job.id,
      status: job.status,
      revision: Number(job.labels[REVISION_LABEL] ?? service.revision),
      site: job.site,
      node: job.allocation?.nodes[0]?.node ?? null,
      ready: traffic?.ready ?? false,
      inflight: traffic?.inflight ?? 0,
      endpoint: traffic?.endpoint ?? null,
      problem: traffic ? traffic.problem : job.reason,
      simulated: job.site ? (ctx.executors.get(job.site)?.capabilities.simulated ?? false) : false,
      startedAt: job.startedAt,
    };
  });
  const host = request.headers.host ?? 'localhost';
  return {
    id: service.id,
    name: service.name,
    project: service.project,
    revision: service.revision,
    state: service.state,
    endpoint: {
      url: `${request.protocol}://${host}/s/${encodeURIComponent(tenantName)}/${encodeURIComponent(service.name)}`,
      auth: settings?.endpoint.auth ?? 'keys',
      openai: settings?.endpoint.openai ?? false,
    },
    replicas: {
      desired: service.desiredReplicas,
      min: settings?.replicas.min ?? 1,
      max: settings?.replicas.max ?? 1,
      ready: items.filter((i) => i.ready).length,
      items,
    },
    traffic: ctx.traffic?.describeService(service.id) ?? {
      inflight: 0,
      held: 0,
      idleSeconds: null,
      rps: 0,
      p50Ms: null,
      p99Ms: null,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
    },
    tokens: {
      requests: sum((t) => t.requests),
      promptTokens: sum((t) => t.promptTokens),
      completionTokens: sum((t) => t.completionTokens),
      byKey: tokens.map((t) => ({ ...t })),
    },
    events: events.map((e) => ({ seq: e.seq, at: e.at, type: e.type, data: e.data })),
    createdAt: service.createdAt,
    updatedAt: service.updatedAt,
    spec: service.document as WorkloadDocument,
  };
}
