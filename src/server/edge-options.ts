import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  LogController,
  type FastifyError,
  type FastifyHttpOptions,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ERROR_CODES, UsineError } from '../app/errors.js';
import { toProblem } from './problem.js';
import { readRequestId } from './request-id.js';

/** What one request may cost the server before it is cut, whatever the client does. */
export interface EdgeLimits {
  readonly bodyLimitBytes: number;
  /** The whole request (headers and body) must have arrived by then: a trickled body is cut. */
  readonly requestTimeoutMs: number;
  /** A socket silent this long is closed (streams write heartbeats, so they stay up). */
  readonly connectionTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Longest path parameter (an id, a budget scope); longer is a 414. */
  readonly maxParamLength: number;
  readonly maxHeaderBytes: number;
  /** An event stream writes a comment when it was quiet this long. */
  readonly heartbeatMs: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  bodyLimitBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 120_000,
  keepAliveTimeoutMs: 72_000,
  maxParamLength: 200,
  maxHeaderBytes: 16 * 1024,
  heartbeatMs: 15_000,
};

/**
 * Fastify's options for a hardened edge: the limits above, a request id taken from
 * `X-Request-Id` when it is sound, and the router's own errors (bad URL, parameter too long)
 * and the socket's (timeout, headers too large, garbage) answered as problem+json like ours.
 */
export function edgeServerOptions(limits: EdgeLimits): FastifyHttpOptions<Server> {
  return {
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    routerOptions: { maxParamLength: limits.maxParamLength },
    http: {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.requestTimeoutMs,
      // Node looks for late requests this often: a quarter of the limit, at most a second
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
    },
    genReqId: (request: IncomingMessage) => readRequestId(request.headers['x-request-id']),
    // one line per request, with its tenant and key, is written by request-log.ts
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const mapped =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new UsineError(
              'USINE_URI_TOO_LONG',
              `a path parameter is over ${limits.maxParamLength} characters`,
            )
          : new UsineError(
              'USINE_INVALID_REQUEST',
              'the URL is not valid: check its percent-escapes (%XX, UTF-8)',
            );
      const problem = toProblem(mapped, '');
      void reply
        .code(problem.status)
        .header('x-request-id', request.id)
        .header('x-content-type-options', 'nosniff')
        .type('application/problem+json')
        .send(problem);
    },
    clientErrorHandler: answerClientError,
  };
}

/** A request Node could not even parse, or one too slow: a problem+json, then the socket closes. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'USINE_REQUEST_TIMEOUT'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'USINE_HEADERS_TOO_LARGE'
        : 'USINE_INVALID_REQUEST';
  const detail =
    code === 'USINE_REQUEST_TIMEOUT'
      ? 'the request did not arrive in time; send it whole, without pauses'
      : code === 'USINE_HEADERS_TOO_LARGE'
        ? 'the request headers are over the limit'
        : 'the request is not valid HTTP/1.1';
  const body = JSON.stringify(toProblem(new UsineError(code, detail), ''));
  const { status } = ERROR_CODES[code];
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${ERROR_CODES[code].title}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
