import type { TSchema } from 'typebox';
import { WorkloadDocument } from '../domain/spec/schema.js';
import { Problem } from '../api/schemas.js';
import type { RouteSpec } from './route-spec.js';

export const OPENAPI_PATH = 'docs/openapi.json';

/** OpenAPI 3.1 from the route table itself, with the same schemas the server validates with. */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...[...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries(
        (route.query as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {},
      ).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema: plain(schema),
      })),
      ...(route.headers ?? []).map((h) => ({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: { type: 'string' },
      })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const type =
        response.contentType ??
        (response.schema === Problem ? 'application/problem+json' : 'application/json');
      responses[status] = {
        description: response.description,
        ...(response.schema || response.contentType
          ? { content: { [type]: response.schema ? { schema: plain(response.schema) } : {} } }
          : {}),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth ? {} : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content:
                route.body === 'spec'
                  ? {
                      'application/json': { schema: plain(WorkloadDocument) },
                      'application/yaml': {
                        schema: { type: 'string', description: 'The same spec as YAML.' },
                      },
                    }
                  : { 'application/json': { schema: plain(route.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Usine API',
      version,
      description:
        'The control plane of an AI factory: tenants, jobs, placement across the federation, audit.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An Usine API key' } },
    },
    paths,
  };
}

function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}
