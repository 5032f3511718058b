import type { AppContext } from '../../app/context.js';
import { requireAllowed } from '../../app/auth/principal.js';
import { createTenant } from '../../app/tenants/create-tenant.js';
import { eraseTenant } from '../../app/tenants/erase-tenant.js';
import { ErasureBody, ErasureReport } from '../../api/erasure-schemas.js';
import { CreateTenantBody, Problem, Tenant, TenantList } from '../../api/schemas.js';
import { parseJsonBody } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  400: { description: 'Invalid body', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

export function listTenantRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/v1/tenants/:id/erasure',
      operationId: 'eraseTenant',
      summary:
        'Erase a tenant’s personal data (GDPR Art. 17): env values, labels, job names, logs, and the audit data naming them; the chain still verifies (operator)',
      tag: 'tenants',
      auth: true,
      body: ErasureBody,
      responses: {
        200: { description: 'What was erased, what is kept and why', schema: ErasureReport },
        ...problems,
        404: { description: 'No such tenant', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        requireAllowed(principal, 'tenant.erase');
        const { reason } = parseJsonBody(request, ErasureBody);
        return eraseTenant(ctx, principal, (request.params as { id: string }).id, reason);
      },
    },
    {
      method: 'POST',
      url: '/v1/tenants',
      operationId: 'createTenant',
      summary: 'Create a tenant (operator)',
      tag: 'tenants',
      auth: true,
      body: CreateTenantBody,
      responses: {
        201: { description: 'Created', schema: Tenant },
        ...problems,
        409: { description: 'Name taken', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const { name } = parseJsonBody(request, CreateTenantBody);
        const tenant = await createTenant(ctx, principal, name);
        reply.code(201);
        return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt };
      },
    },
    {
      method: 'GET',
      url: '/v1/tenants',
      operationId: 'listTenants',
      summary: 'List tenants (the operator sees all, a tenant key its own)',
      tag: 'tenants',
      auth: true,
      responses: { 200: { description: 'Tenants', schema: TenantList }, ...problems },
      handle: async (_request, _reply, principal) => {
        requireAllowed(principal, 'tenant.read');
        const all = await ctx.store.transaction((tx) => tx.listTenants());
        return { items: all.filter((t) => principal.tenantId === null || t.id === principal.tenantId) };
      },
    },
  ];
}
