import type { FastifyInstance } from 'fastify';

// the API's HTML (an invoice) inlines its styles, nothing else: no scripts from anywhere
const API_HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// the console: its own scripts and styles from this origin only, and calls to this API
const CONSOLE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers every answer carries, streams included (set on the raw response, which Fastify's
 * replies and hijacked streams both write through): the request id, `nosniff`; and a CSP on
 * HTML (the console's, or the API's stricter one).
 */
export function installEdgeHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.setHeader('x-content-type-options', 'nosniff');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header(
        'content-security-policy',
        request.url.startsWith('/v1/') ? API_HTML_POLICY : CONSOLE_POLICY,
      );
    return payload;
  });
}
