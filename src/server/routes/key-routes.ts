import { CreatedKey, CreateKeyBody, CreateSiteKeyBody } from '../../api/key-schemas.js';
import { Problem } from '../../api/schemas.js';
import type { AppContext } from '../../app/context.js';
import { createApiKey } from '../../app/keys/create-api-key.js';
import { parseJsonBody } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  400: { description: 'Invalid body', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

/** API keys: a tenant's keys, the operator's site credentials, their lifecycle. */
export function listKeyRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/v1/tenants/:id/keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for a tenant (shown once)',
      tag: 'keys',
      auth: true,
      body: CreateKeyBody,
      responses: {
        201: { description: 'Created; the key is shown once', schema: CreatedKey },
        ...problems,
        404: { description: 'No such tenant', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const body = parseJsonBody(request, CreateKeyBody);
        const { id } = request.params as { id: string };
        const key = await createApiKey(ctx, principal, id, body);
        reply.code(201);
        return key;
      },
    },
    {
      method: 'POST',
      url: '/v1/keys',
      operationId: 'createSiteKey',
      summary: 'Create a site credential, an agent or metering key for one site (operator; shown once)',
      tag: 'keys',
      auth: true,
      body: CreateSiteKeyBody,
      responses: { 201: { description: 'Created; the key is shown once', schema: CreatedKey }, ...problems },
      handle: async (request, reply, principal) => {
        const key = await createApiKey(ctx, principal, null, parseJsonBody(request, CreateSiteKeyBody));
        reply.code(201);
        return key;
      },
    },
  ];
}
