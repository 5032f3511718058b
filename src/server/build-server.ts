import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from '../app/context.js';
import { createAuthenticator } from '../app/auth/authenticate.js';
import { UsineError } from '../app/errors.js';
import { describeAuditFailure, installAuditGuard } from './audit-guard.js';
import { checkRequestUrl } from './check-request.js';
import { installConsoleFiles } from './console-files.js';
import { DEFAULT_EDGE_LIMITS, edgeServerOptions, type EdgeLimits } from './edge-options.js';
import { installEdgeHeaders } from './edge-headers.js';
import { buildOpenApi } from './openapi.js';
import { toProblem } from './problem.js';
import { installRequestLog } from './request-log.js';
import { AccessLimiter, RateLimited } from './access-limiter.js';
import type { RateLimits } from './rate-limits.js';
import { ANONYMOUS, type RouteSpec } from './route-spec.js';
import type { JobNotifier } from './job-notifier.js';
import type { ServerMetrics } from './metrics.js';
import { readUsageMetrics } from '../app/metering/usage-metrics.js';
import { BudgetGate } from '../gateway/budget-gate.js';
import { registerGatewayRoutes, type GatewayLimits } from '../gateway/gateway-routes.js';
import type { ServiceGateway } from '../gateway/service-gateway.js';
import { listServiceRoutes } from './routes/service-routes.js';
import { listAgentRoutes } from './routes/agent-routes.js';
import { listAuditRoutes } from './routes/audit-routes.js';
import { listExportRoutes } from './routes/export-routes.js';
import { listJobRoutes } from './routes/job-routes.js';
import { listKeyRoutes } from './routes/key-routes.js';
import { listMeteringRoutes } from './routes/metering-routes.js';
import { listOperationRoutes } from './routes/operation-routes.js';
import { listProviderRoutes } from './routes/provider-routes.js';
import { listReportRoutes } from './routes/report-routes.js';
import { describeSites, listSiteRoutes } from './routes/site-routes.js';
import { listStreamRoutes } from './routes/stream-routes.js';
import { listTenantRoutes } from './routes/tenant-routes.js';

export interface ServerOptions {
  readonly ctx: AppContext;
  readonly notifier: JobNotifier;
  readonly metrics: ServerMetrics;
  readonly version: string;
  readonly logger: FastifyServerOptions['logger'];
  /** Requests per second and burst: per API key, per tenant, per client address. */
  readonly rateLimit: RateLimits;
  /** Timeouts and sizes at the edge (default DEFAULT_EDGE_LIMITS). */
  readonly limits?: EdgeLimits;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsKey>`. */
  readonly metricsKey?: string;
  /** The built console served at `/` (default web/dist of this checkout). */
  readonly consoleDir?: string;
  /** Routes `/s/<tenant>/<service>/…` to the services' replicas (absent: no gateway here). */
  readonly gateway?: ServiceGateway;
  readonly gatewayLimits?: GatewayLimits;
}

/**
 * Every route. Without arguments (to write /openapi.json offline) the handlers are wired to
 * nothing and must not be called.
 */
export function listApiRoutes(
  wiring: {
    ctx: AppContext;
    notifier: JobNotifier;
    metrics: ServerMetrics;
    isReady: () => Promise<boolean>;
    openApi: () => Record<string, unknown>;
    refreshGauges: () => Promise<void>;
    metricsKey?: string | undefined;
    heartbeatMs?: number;
    /** Aborted when the server starts closing: open streams end, so that it can. */
    closing?: AbortSignal;
  } = OFFLINE,
): RouteSpec[] {
  const { ctx, notifier, metrics } = wiring;
  return [
    ...listOperationRoutes(
      metrics,
      wiring.isReady,
      wiring.openApi,
      wiring.refreshGauges,
      () => {
        const failure = ctx?.audit?.failure;
        return failure && describeAuditFailure(failure);
      },
      wiring.metricsKey,
    ),
    ...listTenantRoutes(ctx),
    ...listKeyRoutes(ctx),
    ...listJobRoutes(ctx),
    ...listServiceRoutes(ctx),
    ...listStreamRoutes(ctx, notifier, wiring.heartbeatMs, wiring.closing),
    ...listSiteRoutes(ctx),
    ...listProviderRoutes(ctx),
    ...listAuditRoutes(ctx),
    ...listMeteringRoutes(ctx),
    ...listAgentRoutes(ctx),
    ...listExportRoutes(ctx),
    ...listReportRoutes(ctx),
  ];
}

const OFFLINE = {
  ctx: undefined as unknown as AppContext,
  notifier: undefined as unknown as JobNotifier,
  metrics: undefined as unknown as ServerMetrics,
  isReady: () => Promise.resolve(false),
  openApi: () => ({}),
  refreshGauges: () => Promise.resolve(),
};

/** Health probes of load balancers and orchestrators: cheap, and never rate limited. */
const PROBES = new Set(['/healthz', '/readyz']);

const TEXT_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** The HTTP API: every route from one table, errors as problem+json, a key on every /v1 call. */
export function buildServer(options: ServerOptions): { app: FastifyInstance; routes: RouteSpec[] } {
  const { ctx, metrics } = options;
  const limits = options.limits ?? DEFAULT_EDGE_LIMITS;
  const app = Fastify({
    ...edgeServerOptions(limits),
    logger: options.logger,
  });
  installEdgeHeaders(app);
  // Bodies stay text: a spec is parsed by our own reader, so errors point at its lines.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(TEXT_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  installAuditGuard(app, ctx.audit);
  const consoleFiles = installConsoleFiles(app, options.consoleDir);
  const noteCaller = installRequestLog(app);
  // a server closing ends its open streams (clients take them up again), else it waits for them
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  const authenticate = createAuthenticator(ctx);
  const limiter = new AccessLimiter(options.rateLimit, () => ctx.clock.now().getTime());
  const routes: RouteSpec[] = [];
  const openApi = () => buildOpenApi(routes, options.version);
  const refreshGauges = async () => {
    for (const site of await describeSites(ctx)) {
      metrics.gpusAllocated.set({ site: site.name }, site.gpusAllocated);
      metrics.gpusFree.set({ site: site.name }, site.gpusFree);
    }
    metrics.setJobCounts(await ctx.store.transaction((tx) => tx.countJobsByStatus()));
    metrics.setUsage(await readUsageMetrics(ctx));
  };
  const isReady = () => ctx.store.transaction(async (tx) => (await tx.countApiKeys()) >= 0);
  routes.push(
    ...listApiRoutes({
      ctx,
      notifier: options.notifier,
      metrics,
      isReady,
      openApi,
      refreshGauges,
      metricsKey: options.metricsKey,
      heartbeatMs: limits.heartbeatMs,
      closing: closing.signal,
    }),
  );

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const principal = route.auth
          ? await limiter.authenticate(authenticate, request.headers.authorization, request.ip)
          : ANONYMOUS;
        if (route.auth) noteCaller(request, principal);
        if (!route.auth && !PROBES.has(route.url)) limiter.takeForAddress(request.ip);
        checkRequestUrl(request, route);
        const result = await route.handle(request, reply, principal);
        return result === undefined ? reply : result;
      },
    });
  }

  if (options.gateway)
    registerGatewayRoutes(app, {
      gateway: options.gateway,
      authenticate,
      budgets: new BudgetGate(ctx, options.gatewayLimits?.budgetRefreshMs),
      ...(options.gatewayLimits ? { limits: options.gatewayLimits } : {}),
    });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.url);
    if (error instanceof RateLimited) void reply.header('retry-after', String(error.retryAfterSeconds));
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed with an internal error');
    void reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    if (consoleFiles.servePage(request, reply)) return;
    const path = request.url.split('?')[0];
    const problem = toProblem(
      new UsineError(
        'USINE_NOT_FOUND',
        path === '/' && !consoleFiles.isBuilt
          ? 'the console is not built in this checkout: run `npm run build`'
          : `no route ${request.method} ${path}`,
      ),
      request.url,
    );
    void reply.code(404).type('application/problem+json').send(problem);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  return { app, routes };
}
