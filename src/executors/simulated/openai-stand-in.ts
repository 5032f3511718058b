import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A stand-in for a model server: an OpenAI-style HTTP API (`POST /v1/chat/completions`,
 * `POST /v1/completions`, `GET /v1/models`, `GET /health`) that answers at once or after a set
 * latency, with token counts that follow from the request alone, so whoever meters them can be
 * checked exactly. Simulated sites run one per replica; the tests' replica process
 * (test/fixtures/openai-replica.ts) is this server too. It runs no model: every answer says so.
 */
export interface StandInOptions {
  readonly host?: string;
  /** 0: a free port. */
  readonly port?: number;
  /** Milliseconds before the first byte of each completion. */
  readonly latencyMs?: number;
  /** Completion tokens of an answer, unless the request's max_tokens is lower; default 16. */
  readonly completionTokens?: number;
  /** Milliseconds between two streamed tokens; default 0. */
  readonly tokenIntervalMs?: number;
  /** The model name it answers with; default `stand-in`. */
  readonly model?: string;
  /** Told every `POST /__stand-in` body after the knobs it sets were applied (a test process exits on `exit`). */
  readonly onControl?: (change: Record<string, unknown>) => void;
}

export interface StandIn {
  readonly url: string;
  readonly port: number;
  /** Requests answered (completions only), for tests. */
  readonly served: () => number;
  /** Stops at once, cutting what is in flight. */
  close(): Promise<void>;
  /** Stops taking requests and resolves once those in flight were answered. */
  drain(): Promise<void>;
}

/** What a test may change while it runs: `POST /__stand-in` `{ healthy, failRequests }`. */
interface Knobs {
  healthy: boolean;
  /** Completions answered 500 from now on. */
  failRequests: boolean;
}

const BODY_LIMIT = 4 * 1024 * 1024;

/** Prompt tokens: the words of every message's text (split on white space), at least 1. */
export function countPromptTokens(body: Record<string, unknown>): number {
  const texts: string[] = [];
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages) {
      const content = (message as { content?: unknown } | null)?.content;
      if (typeof content === 'string') texts.push(content);
    }
  }
  if (typeof body['prompt'] === 'string') texts.push(body['prompt']);
  const words = texts
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== '').length;
  return Math.max(1, words);
}

export async function startOpenAiStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const knobs: Knobs = { healthy: true, failRequests: false };
  let served = 0;
  let sequence = 0;
  const model = options.model ?? 'stand-in';
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && (path === '/health' || path === '/')) {
      response.writeHead(knobs.healthy ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(knobs.healthy ? 'ok\n' : 'unhealthy\n');
      return;
    }
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: [{ id: model, object: 'model', owned_by: 'usine' }] });
      return;
    }
    const text = await readBody(request);
    if (request.method === 'POST' && path === '/__stand-in') {
      const change = JSON.parse(text || '{}') as Record<string, unknown>;
      if (typeof change['healthy'] === 'boolean') knobs.healthy = change['healthy'];
      if (typeof change['failRequests'] === 'boolean') knobs.failRequests = change['failRequests'];
      sendJson(response, 200, knobs);
      options.onControl?.(change);
      return;
    }
    const chat = path === '/v1/chat/completions';
    if (request.method !== 'POST' || (!chat && path !== '/v1/completions')) {
      sendJson(response, 404, {
        error: { message: `no route ${request.method} ${path}`, type: 'not_found' },
      });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      sendJson(response, 400, { error: { message: 'the body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    if (knobs.failRequests) {
      sendJson(response, 500, { error: { message: 'the stand-in was told to fail', type: 'server_error' } });
      return;
    }
    served++;
    const id = `cmpl-${++sequence}`;
    const maxTokens =
      typeof body['max_tokens'] === 'number' ? Math.max(0, Math.floor(body['max_tokens'])) : undefined;
    const completion = Math.min(options.completionTokens ?? 16, maxTokens ?? Number.MAX_SAFE_INTEGER);
    const usage = {
      prompt_tokens: countPromptTokens(body),
      completion_tokens: completion,
      total_tokens: countPromptTokens(body) + completion,
    };
    if (options.latencyMs) await sleep(options.latencyMs);
    const words = Array.from({ length: completion }, (_, i) => `tok${i}`);
    if (body['stream'] !== true) {
      const content = words.join(' ');
      sendJson(response, 200, {
        id,
        object: chat ? 'chat.completion' : 'text_completion',
        created: 0,
        model,
        choices: [
          chat
            ? { index: 0, message: { role: 'assistant', content }, finish_reason: 'length' }
            : { index: 0, text: content, finish_reason: 'length' },
        ],
        usage,
        system_fingerprint: 'usine-stand-in (simulated: no model runs)',
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const object = chat ? 'chat.completion.chunk' : 'text_completion';
    const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
    for (const [i, word] of words.entries()) {
      const piece = i === 0 ? word : ` ${word}`;
      send({
        id,
        object,
        created: 0,
        model,
        choices: [
          chat ? { index: 0, delta: { content: piece }, finish_reason: null } : { index: 0, text: piece },
        ],
      });
      if (options.tokenIntervalMs) await sleep(options.tokenIntervalMs);
    }
    const streamOptions = body['stream_options'] as { include_usage?: unknown } | undefined;
    send({ id, object, created: 0, model, choices: [{ index: 0, delta: {}, finish_reason: 'length' }] });
    if (streamOptions?.include_usage === true) send({ id, object, created: 0, model, choices: [], usage });
    response.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    drain: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
