import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { requireTenant, type Principal } from '../../app/auth/principal.js';
import { applyService } from '../../app/services/apply-service.js';
import { deleteService } from '../../app/services/delete-service.js';
import { getServiceDetail, listServiceDetails } from '../../app/services/query-services.js';
import { scaleService } from '../../app/services/scale-service.js';
import { serveService } from '../../app/services/serve-service.js';
import { Problem } from '../../api/schemas.js';
import { ScaleServiceBody, Service, ServiceList } from '../../api/service-schemas.js';
import { parseJsonBody, readBodyText } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';
import { toServiceView } from '../service-view.js';

const problems = {
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};
const notFound = { 404: { description: 'No such service', schema: Problem } };

export function listServiceRoutes(ctx: AppContext): RouteSpec[] {
  const nameOf = (request: FastifyRequest) => (request.params as { name: string }).name;
  const tenantName = async (principal: Principal) => {
    const id = requireTenant(principal);
    return (await ctx.store.read((tx) => tx.getTenant(id)))?.name ?? id;
  };
  const view = async (request: FastifyRequest, principal: Principal, name: string) =>
    toServiceView(ctx, request, await tenantName(principal), await getServiceDetail(ctx, principal, name));
  return [
    {
      method: 'POST',
      url: '/v1/services',
      operationId: 'serveService',
      summary: 'Serve a Service spec (JSON, or YAML with Content-Type: application/yaml); idempotent by name',
      tag: 'services',
      auth: true,
      body: 'spec',
      headers: [
        {
          name: 'Idempotency-Key',
          required: true,
          description:
            'Required as on every POST that creates; the service name decides what a retry returns.',
        },
      ],
      responses: {
        201: { description: 'Created: its replicas start', schema: Service },
        200: { description: 'The same spec was served before under this name', schema: Service },
        400: { description: 'Missing Idempotency-Key or malformed request', schema: Problem },
        ...problems,
        409: { description: 'A service of this name runs another spec (use usine apply)', schema: Problem },
        422: { description: 'Invalid spec (errors carry field paths, lines and columns)', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const key = request.headers['idempotency-key'];
        const { service, created } = await serveService(ctx, principal, {
          text: readBodyText(request),
          idempotencyKey: Array.isArray(key) ? key[0] : key,
        });
        reply.code(created ? 201 : 200).header('Location', `/v1/services/${service.name}`);
        return view(request, principal, service.name);
      },
    },
    {
      method: 'GET',
      url: '/v1/services',
      operationId: 'listServices',
      summary: "The tenant's services with their replicas and traffic",
      tag: 'services',
      auth: true,
      responses: { 200: { description: 'Every live service', schema: ServiceList }, ...problems },
      handle: async (request, _reply, principal) => {
        const details = await listServiceDetails(ctx, principal);
        const tenant = await tenantName(principal);
        return { items: details.map((d) => toServiceView(ctx, request, tenant, d)) };
      },
    },
    {
      method: 'GET',
      url: '/v1/services/:name',
      operationId: 'getService',
      summary: 'A service: revision, replicas with site, node and state, endpoint, traffic, latest events',
      tag: 'services',
      auth: true,
      responses: { 200: { description: 'The service', schema: Service }, ...problems, ...notFound },
      handle: (request, _reply, principal) => view(request, principal, nameOf(request)),
    },
    {
      method: 'PUT',
      url: '/v1/services/:name',
      operationId: 'applyService',
      summary:
        'Apply a Service spec: served when new, else its next revision, rolled out replica by replica (rolled back when it fails)',
      tag: 'services',
      auth: true,
      body: 'spec',
      responses: {
        201: { description: 'Created: its replicas start', schema: Service },
        200: { description: 'A new revision rolls out, or the spec was already current', schema: Service },
        ...problems,
        409: { description: 'The service belongs to another project', schema: Problem },
        422: { description: 'Invalid spec, or its name is not the path’s', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const key = request.headers['idempotency-key'];
        const { service, outcome } = await applyService(ctx, principal, nameOf(request), {
          text: readBodyText(request),
          idempotencyKey: (Array.isArray(key) ? key[0] : key) ?? `apply-${nameOf(request)}`,
        });
        reply.code(outcome === 'created' ? 201 : 200).header('usine-apply', outcome);
        return view(request, principal, service.name);
      },
    },
    {
      method: 'POST',
      url: '/v1/services/:name/scale',
      operationId: 'scaleService',
      summary: 'Set how many replicas the service wants (0 to spec.replicas.max)',
      tag: 'services',
      auth: true,
      body: ScaleServiceBody,
      responses: {
        200: { description: 'Scaled: replicas start or stop', schema: Service },
        400: { description: 'Replicas out of range', schema: Problem },
        ...problems,
        ...notFound,
      },
      handle: async (request, _reply, principal) => {
        const { replicas } = parseJsonBody(request, ScaleServiceBody);
        await scaleService(ctx, principal, nameOf(request), replicas);
        return view(request, principal, nameOf(request));
      },
    },
    {
      method: 'DELETE',
      url: '/v1/services/:name',
      operationId: 'deleteService',
      summary: 'Delete a service: the gateway stops routing to it and its replicas are stopped',
      tag: 'services',
      auth: true,
      responses: {
        200: { description: 'Deleted', schema: Service },
        ...problems,
        ...notFound,
      },
      handle: async (request, _reply, principal) => {
        const before = await getServiceDetail(ctx, principal, nameOf(request));
        const deleted = await deleteService(ctx, principal, nameOf(request));
        return toServiceView(ctx, request, await tenantName(principal), { ...before, service: deleted });
      },
    },
  ];
}
