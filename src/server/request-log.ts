import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../app/auth/principal.js';

/**
 * Probes, scrapes and an agent's polling (a claim every 200 ms, a heartbeat every few seconds,
 * each shipped chunk of output) come all the time: logged at `debug`, so `info` stays readable.
 */
const QUIET = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/agent/heartbeat',
  '/v1/agent/claim',
  '/v1/agent/launches/:jobId/logs',
]);

/**
 * One line per answered request, at `info` (a 5xx at `error`, a 4xx at `info` too: a client's
 * mistake is not the server's warning): method, route, status, duration, and who asked — the
 * tenant, key id and role, never the key itself (the Authorization header is not logged, and
 * a URL never carries a secret: keys travel in headers only). The request id is on every line
 * the request writes, as `requestId`, and answered in `X-Request-Id`.
 */
export function installRequestLog(app: FastifyInstance): (request: FastifyRequest, who: Principal) => void {
  const callers = new WeakMap<FastifyRequest, Principal>();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const status = reply.statusCode;
    const who = callers.get(request);
    const line = {
      method: request.method,
      route,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(who
        ? {
            tenantId: who.tenantId,
            keyId: who.keyId,
            role: who.role,
            ...(who.site ? { site: who.site } : {}),
          }
        : {}),
    };
    if (status >= 500) request.log.error(line, 'request failed');
    else if (route !== undefined && QUIET.has(route)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
  return (request, who) => callers.set(request, who);
}
