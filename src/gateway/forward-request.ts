import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { UsineError } from '../app/errors.js';
import type { Replica, RoutedEntry, ServiceGateway } from './service-gateway.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the caller's credentials: never sent on to a replica. */
const DROPPED_REQUEST_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'content-length',
]);
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'trailer',
  'upgrade',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface ForwardOptions {
  /** How long a request waits for a ready replica (start-up, scale from zero); then 503. */
  readonly holdMs: number;
  /** The body to send (the request's own, or rewritten for metering). */
  readonly body: Buffer | undefined;
  /** Sees the answer's bytes as they pass (token metering); must not hold them. */
  readonly observe?: (status: number, headers: IncomingHttpHeaders, body: Readable) => Readable;
}

/**
 * Sends one request to a ready replica and streams its answer back as it comes (SSE and chunked
 * answers are not buffered). A replica that cannot be reached before any byte was exchanged is
 * marked not ready and the request goes once to another one: any request when the connection
 * was refused (it never arrived), an idempotent one on other connection failures.
 */
export async function forwardRequest(
  gateway: ServiceGateway,
  entry: RoutedEntry,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  options: ForwardOptions,
): Promise<FastifyReply> {
  const headers = buildUpstreamHeaders(request);
  let tried: Replica | undefined;
  for (let attempt = 0; ; attempt++) {
    const replica = await gateway.acquire(entry, options.holdMs, tried);
    if (!replica) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(options.holdMs / 1000))));
      throw new UsineError(
        'USINE_SERVICE_UNAVAILABLE',
        `service ${entry.service.name} has no ready replica after ${options.holdMs / 1000}s ` +
          `(${describeReplicas(entry)}); try again later`,
      );
    }
    const started = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await replica.pool.request({
        method: request.method as Dispatcher.HttpMethod,
        path,
        headers,
        body: options.body ?? null,
        headersTimeout: 300_000,
        bodyTimeout: 300_000,
      });
    } catch (error) {
      gateway.release(entry, replica, undefined);
      const code = (error as { code?: string }).code ?? '';
      const neverArrived = code === 'ECONNREFUSED';
      if (request.raw.destroyed) return reply;
      if (neverArrived || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')
        gateway.markUnreachable(replica, `connection failed: ${code}`);
      if (attempt === 0 && (neverArrived || IDEMPOTENT.has(request.method))) {
        tried = replica;
        continue;
      }
      throw new UsineError(
        'USINE_BAD_GATEWAY',
        `replica ${replica.jobId} of service ${entry.service.name} failed before answering (${code || (error instanceof Error ? error.message : String(error))})`,
      );
    }
    void reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) void reply.header(name, value);
    }
    let released = false;
    const done = () => {
      if (released) return;
      released = true;
      gateway.release(entry, replica, performance.now() - started);
    };
    answer.body.once('end', done);
    answer.body.once('close', done);
    answer.body.once('error', done);
    // a caller that went away stops the replica's answer (a stream that would run on unread)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) answer.body.destroy();
    });
    const body = options.observe
      ? options.observe(answer.statusCode, answer.headers, answer.body)
      : answer.body;
    return reply.send(body);
  }
}

function buildUpstreamHeaders(request: FastifyRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(name)) headers[name] = value;
  }
  const forwarded = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded ? `${String(forwarded)}, ${request.ip}` : request.ip;
  headers['x-forwarded-proto'] = request.protocol;
  if (request.headers.host) headers['x-forwarded-host'] = request.headers.host;
  headers['x-request-id'] = request.id;
  return headers;
}

function describeReplicas(entry: RoutedEntry): string {
  const replicas = [...entry.replicas.values()];
  if (replicas.length === 0) return `0 of ${entry.service.desiredReplicas} wanted replicas running`;
  return replicas.map((r) => `${r.jobId}: ${r.problem ?? 'ready'}`).join('; ');
}
