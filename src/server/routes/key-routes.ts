import {
  Caller,
  CreatedKey,
  CreateKeyBody,
  CreateSiteKeyBody,
  Key,
  KeyList,
  RotatedKey,
  RotateKeyBody,
} from '../../api/key-schemas.js';
import { Problem } from '../../api/schemas.js';
import type { AppContext } from '../../app/context.js';
import { listAllowedActions } from '../../app/auth/principal.js';
import { createApiKey } from '../../app/keys/create-api-key.js';
import { listApiKeys } from '../../app/keys/list-api-keys.js';
import { revokeApiKey } from '../../app/keys/revoke-api-key.js';
import { rotateApiKey } from '../../app/keys/rotate-api-key.js';
import { parseJsonBody, readBodyText } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  400: { description: 'Invalid body', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

const notFound = { 404: { description: 'No such key or tenant (or another tenant’s)', schema: Problem } };

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
        409: { description: 'The tenant holds its limit of live keys', schema: Problem },
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
    {
      method: 'GET',
      url: '/v1/tenants/:id/keys',
      operationId: 'listTenantKeys',
      summary: 'A tenant’s keys, revoked and expired ones included (never a secret)',
      tag: 'keys',
      auth: true,
      responses: { 200: { description: 'Keys', schema: KeyList }, ...problems, ...notFound },
      handle: async (request, _reply, principal) =>
        listApiKeys(ctx, principal, (request.params as { id: string }).id),
    },
    {
      method: 'GET',
      url: '/v1/keys',
      operationId: 'listKeys',
      summary:
        'The caller’s keys: the operator’s (admin and site credentials) for the admin key, else its tenant’s',
      tag: 'keys',
      auth: true,
      responses: { 200: { description: 'Keys', schema: KeyList }, ...problems },
      handle: async (_request, _reply, principal) => listApiKeys(ctx, principal, principal.tenantId),
    },
    {
      method: 'GET',
      url: '/v1/whoami',
      operationId: 'getCaller',
      summary: 'The calling key: its role, tenant, project and site (what a console may show)',
      tag: 'keys',
      auth: true,
      responses: {
        200: { description: 'The key', schema: Caller },
        401: { description: 'No valid API key', schema: Problem },
      },
      handle: async (_request, _reply, principal) => ({
        keyId: principal.keyId,
        role: principal.role,
        tenantId: principal.tenantId,
        project: principal.project,
        site: principal.site,
        actions: listAllowedActions(principal),
      }),
    },
    {
      method: 'DELETE',
      url: '/v1/keys/:id',
      operationId: 'revokeKey',
      summary: 'Revoke a key: refused by every replica within a second',
      tag: 'keys',
      auth: true,
      responses: {
        200: { description: 'Revoked (or already was)', schema: Key },
        ...problems,
        ...notFound,
        409: { description: 'The admin key cannot be revoked: rotate it', schema: Problem },
      },
      handle: async (request, _reply, principal) =>
        revokeApiKey(ctx, principal, (request.params as { id: string }).id),
    },
    {
      method: 'POST',
      url: '/v1/keys/:id/rotate',
      operationId: 'rotateKey',
      summary: 'A new secret for a key; the old one keeps working for the grace period (default 1h)',
      tag: 'keys',
      auth: true,
      body: RotateKeyBody,
      responses: {
        201: { description: 'The new key, shown once, and the old one', schema: RotatedKey },
        ...problems,
        ...notFound,
        409: { description: 'The key is revoked or expired', schema: Problem },
      },
      handle: async (request, reply, principal) => {
        const body = readBodyText(request).trim() === '' ? {} : parseJsonBody(request, RotateKeyBody);
        const rotated = await rotateApiKey(ctx, principal, (request.params as { id: string }).id, body.grace);
        reply.code(201);
        return rotated;
      },
    },
  ];
}
