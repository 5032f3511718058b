import type { FastifyInstance } from 'fastify';

// the invoice page and the console inline their styles, nothing else: no scripts from anywhere
const HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers every answer carries, streams included (set on the raw response, which Fastify's
 * replies and hijacked streams both write through): the request id, `nosniff`; and a CSP on
 * HTML.
 */
export function installEdgeHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.setHeader('x-content-type-options', 'nosniff');
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('content-security-policy', HTML_POLICY);
    return payload;
  });
}
