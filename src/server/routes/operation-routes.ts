import { createHash, timingSafeEqual } from 'node:crypto';
import Type from 'typebox';
import { Problem } from '../../api/schemas.js';
import { UsineError } from '../../app/errors.js';
import type { RouteSpec } from '../route-spec.js';
import type { ServerMetrics } from '../metrics.js';
import { OPENMETRICS_CONTENT_TYPE, prefersOpenMetrics, writeOpenMetrics } from '../openmetrics-text.js';

/** Health, readiness, metrics and the API description: no API key needed (metrics may want its own). */
export function listOperationRoutes(
  metrics: ServerMetrics,
  isReady: () => Promise<boolean>,
  openApi: () => Record<string, unknown>,
  refreshGauges: () => Promise<void>,
  /** Why the server serves reads only (a broken audit chain), if it does. */
  readOnlyReason: () => string | undefined = () => undefined,
  metricsKey?: string,
): RouteSpec[] {
  const isMetricsKey = metricsKey === undefined ? () => true : matchSecret(metricsKey);
  return [
    {
      method: 'GET',
      url: '/healthz',
      operationId: 'health',
      summary: 'The process is alive',
      tag: 'operations',
      auth: false,
      responses: { 200: { description: 'Alive', schema: Type.Object({ status: Type.Literal('ok') }) } },
      handle: async () => ({ status: 'ok' }),
    },
    {
      method: 'GET',
      url: '/readyz',
      operationId: 'ready',
      summary: 'The store answers and the server takes requests',
      tag: 'operations',
      auth: false,
      responses: {
        200: { description: 'Ready', schema: Type.Object({ status: Type.String() }) },
        503: {
          description: 'Not ready; `read-only` with its reason while the audit chain is broken',
          schema: Type.Object({ status: Type.String(), reason: Type.Optional(Type.String()) }),
        },
      },
      handle: async (_request, reply) => {
        const ready = await isReady().catch(() => false);
        const reason = readOnlyReason();
        reply.code(ready && reason === undefined ? 200 : 503);
        if (ready && reason !== undefined) return { status: 'read-only', reason };
        return { status: ready ? 'ready' : 'not ready' };
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (usine_*)',
      tag: 'operations',
      auth: false,
      responses: {
        200: {
          description:
            'The Prometheus text format, or OpenMetrics 1.0 when `Accept` prefers `application/openmetrics-text`',
          contentType: 'text/plain',
        },
        401: { description: 'The metrics key is configured and was not sent', schema: Problem },
      },
      handle: async (request, reply) => {
        if (!isMetricsKey(/^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '')) {
          throw new UsineError(
            'USINE_UNAUTHENTICATED',
            'send the metrics key as "Authorization: Bearer <key>"',
          );
        }
        await refreshGauges();
        void reply.header('vary', 'accept');
        if (prefersOpenMetrics(request.headers.accept)) {
          reply.header('content-type', OPENMETRICS_CONTENT_TYPE);
          return writeOpenMetrics(metrics.registry);
        }
        reply.header('content-type', metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    },
    {
      method: 'GET',
      url: '/openapi.json',
      operationId: 'openapi',
      summary: 'This API, as OpenAPI 3.1',
      tag: 'operations',
      auth: false,
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      handle: async () => openApi(),
    },
  ];
}

/** Compares in constant time (on digests, so lengths do not show either). */
function matchSecret(secret: string): (candidate: string) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (candidate) => timingSafeEqual(createHash('sha256').update(candidate).digest(), expected);
}
