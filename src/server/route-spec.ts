import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { Principal } from '../app/auth/principal.js';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: TSchema;
  /** Default application/json. */
  readonly contentType?: string;
}

/**
 * One HTTP route: registered with Fastify and described in /openapi.json from the same
 * object, so the document cannot drift from what the server does.
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify form: `/v1/jobs/:id`. */
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Needs an API key. */
  readonly auth: boolean;
  /** A JSON body checked against this schema, or `spec`: a Job/Service as YAML or JSON text. */
  readonly body?: TSchema | 'spec';
  readonly query?: TSchema;
  readonly headers?: readonly { name: string; required: boolean; description: string }[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Returns the JSON to send (status set on reply), or undefined when it wrote the reply itself. */
  readonly handle: (request: FastifyRequest, reply: FastifyReply, principal: Principal) => Promise<unknown>;
}

/** The principal of an unauthenticated route (health, metrics, OpenAPI): allowed no action. */
export { ANONYMOUS } from '../app/auth/principal.js';
