import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticate } from '../app/auth/authenticate.js';
import { UsineError } from '../app/errors.js';
import { authoriseServiceCall } from '../app/services/authorise-service-call.js';
import { askForStreamUsage } from '../domain/services/ask-for-usage.js';
import { RateLimited } from '../server/access-limiter.js';
import { RateLimiter } from '../server/rate-limiter.js';
import type { BudgetGate } from './budget-gate.js';
import { forwardRequest } from './forward-request.js';
import { meterAnswer } from './meter-answer.js';
import type { ServiceGateway } from './service-gateway.js';

export interface GatewayRouteOptions {
  readonly gateway: ServiceGateway;
  readonly authenticate: Authenticate;
  /** Refuses the calls of a tenant whose budget is spent. */
  readonly budgets: BudgetGate;
  readonly limits?: GatewayLimits;
}

/** What one caller may ask of the gateway. */
export interface GatewayLimits {
  /** Calls per second (and burst) each calling key may make; default 1000 (2000). */
  readonly keyRate?: { readonly perSecond: number; readonly burst: number };
  /** How often a tenant's budgets are read again for its calls; default 30 s. */
  readonly budgetRefreshMs?: number;
  /** How long a request waits for a ready replica; default 30 s. */
  readonly holdMs?: number;
  /** Largest request body sent on to a replica; default 16 MiB. */
  readonly bodyLimitBytes?: number;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * `/s/<tenant>/<service>/…`: the gateway's routes, in a context of their own whose bodies are
 * kept as bytes (they go on to the replica as they came, whatever their type).
 */
export function registerGatewayRoutes(app: FastifyInstance, options: GatewayRouteOptions): void {
  const rate = options.limits?.keyRate ?? { perSecond: 1000, burst: 2000 };
  const perKey = new RateLimiter(rate.perSecond, rate.burst, () => Date.now());
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.limits?.bodyLimitBytes ?? 16 * 1024 * 1024 },
      (_r, body, done) => done(null, body),
    );
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as { tenant: string; service: string; '*'?: string };
      const entry = await options.gateway.lookup(params.tenant, params.service);
      if (!entry) throw new UsineError('USINE_NOT_FOUND', `no service ${params.tenant}/${params.service}`);
      let keyId = '';
      if (entry.settings.endpoint.auth === 'keys') {
        const principal = await options.authenticate(request.headers.authorization);
        authoriseServiceCall(principal, entry.service);
        keyId = principal.keyId;
        const taken = perKey.take(keyId);
        if (!taken.ok) throw new RateLimited(taken.retryAfterSeconds, 'for this key', rate.perSecond);
      }
      await options.budgets.check(entry.service);
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const path = `/${params['*'] ?? ''}${query}`;
      let body = Buffer.isBuffer(request.body) ? request.body : undefined;
      const metered = entry.settings.endpoint.openai && request.method === 'POST';
      if (metered && body) {
        // a streamed answer says its usage only when asked: ask, so its tokens can be counted
        const asked = askForStreamUsage(body.toString('utf8'));
        if (asked !== undefined) body = Buffer.from(asked);
      }
      const gateway = options.gateway;
      return forwardRequest(gateway, entry, request, reply, path, {
        holdMs: options.limits?.holdMs ?? 30_000,
        body,
        ...(metered
          ? {
              observe: (status, headers, answer) =>
                status >= 200 && status < 300
                  ? meterAnswer(headers, answer, (usage) => gateway.countTokens(entry, keyId, usage))
                  : answer,
            }
          : {}),
      });
    };
    scope.route({ method: [...METHODS], url: '/s/:tenant/:service', handler });
    scope.route({ method: [...METHODS], url: '/s/:tenant/:service/*', handler });
  });
}
