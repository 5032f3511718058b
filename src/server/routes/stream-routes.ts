import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../app/context.js';
import { UsineError } from '../../app/errors.js';
import { getJob } from '../../app/jobs/query-jobs.js';
import { requireHistory } from '../../app/retention/require-history.js';
import { isFinished } from '../../domain/jobs/lifecycle.js';
import { Problem } from '../../api/schemas.js';
import type { JobNotifier } from '../job-notifier.js';
import type { RouteSpec } from '../route-spec.js';

const POLL_MS = 1000;
/** An SSE comment this often keeps proxies and clients (undici gives up after 5 min) from closing a quiet stream. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
const MAX_SEQ = 2 ** 31 - 1;
const problems = {
  400: { description: 'Bad Last-Event-ID or query', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  404: { description: 'No such job', schema: Problem },
  410: { description: 'Retention took the job’s history', schema: Problem },
};

export function listStreamRoutes(
  ctx: AppContext,
  notifier: JobNotifier,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  closing?: AbortSignal,
): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/jobs/:id/logs',
      operationId: 'getJobLogs',
      summary: 'The job’s output; ?follow=true streams it until the job ends',
      tag: 'jobs',
      auth: true,
      query: Type.Object({
        follow: Type.Optional(Type.Boolean()),
        offset: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: Number.MAX_SAFE_INTEGER,
            description: 'Skip this many bytes: where a dropped follow resumes.',
          }),
        ),
      }),
      responses: { 200: { description: 'Plain text', contentType: 'text/plain' }, ...problems },
      handle: async (request, reply, principal) => {
        const id = (request.params as { id: string }).id;
        const query = request.query as { follow?: boolean; offset?: number };
        const follow = query.follow === true;
        let job = await getJob(ctx, principal, id);
        requireHistory(job, 'logs');
        const abort = abortOnClose(request, reply, closing);
        // a quiet log is no dead client: the stream ends when the job does or the client goes
        request.raw.socket.setTimeout(0);
        reply.raw.writeHead(200, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-cache',
        });
        while (follow && !job.handle && !isFinished(job.status) && !abort.signal.aborted) {
          await notifier.waitForChange(id, POLL_MS, abort.signal);
          job = await getJob(ctx, principal, id);
        }
        const executor = job.site ? ctx.executors.get(job.site) : undefined;
        if (job.handle && executor && !abort.signal.aborted) {
          const output = executor.logs(job.handle, { offset: query.offset ?? 0, follow });
          for await (const chunk of untilAborted(output, abort.signal)) reply.raw.write(chunk);
        }
        reply.raw.end();
        return undefined;
      },
    },
    {
      method: 'GET',
      url: '/v1/jobs/:id/events',
      operationId: 'streamJobEvents',
      summary: 'Server-Sent Events of the job’s state changes; ends when the job is finished',
      tag: 'jobs',
      auth: true,
      headers: [{ name: 'Last-Event-ID', required: false, description: 'Resume after this event.' }],
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' }, ...problems },
      handle: async (request, reply, principal) => {
        const id = (request.params as { id: string }).id;
        let after = readLastEventId(request.headers['last-event-id']);
        requireHistory(await getJob(ctx, principal, id), 'events');
        const abort = abortOnClose(request, reply, closing);
        request.raw.socket.setTimeout(0);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        let wroteAt = performance.now();
        while (!abort.signal.aborted) {
          const events = await ctx.store.transaction((tx) => tx.listJobEvents(id, after, 100));
          for (const event of events) {
            reply.raw.write(
              `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify({ at: event.at, ...(event.data as object) })}\n\n`,
            );
            after = event.seq;
            wroteAt = performance.now();
          }
          if (events.length === 100) continue;
          const job = await getJob(ctx, principal, id);
          if (isFinished(job.status)) {
            const rest = await ctx.store.transaction((tx) => tx.listJobEvents(id, after, 100));
            if (rest.length === 0) break;
            continue;
          }
          if (performance.now() - wroteAt >= heartbeatMs) {
            reply.raw.write(': heartbeat\n\n');
            wroteAt = performance.now();
          }
          await notifier.waitForChange(id, Math.min(POLL_MS, heartbeatMs), abort.signal);
        }
        reply.raw.end();
        return undefined;
      },
    },
  ];
}

/** The event to resume after: a sequence number (0 when absent); anything else is a 400. */
function readLastEventId(header: string | string[] | undefined): number {
  if (header === undefined || header === '') return 0;
  const text = Array.isArray(header) ? header.join(',') : header;
  const seq = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(seq <= MAX_SEQ)) {
    throw new UsineError('USINE_INVALID_REQUEST', 'Last-Event-ID must be the id of an event (an integer)', [
      { path: 'headers.last-event-id', message: `must be an integer from 0 to ${MAX_SEQ}` },
    ]);
  }
  return seq;
}

/** Aborted when the client goes, or the server closes. */
function abortOnClose(request: FastifyRequest, reply: FastifyReply, closing?: AbortSignal): AbortController {
  const abort = new AbortController();
  const end = () => abort.abort();
  request.raw.on('close', end);
  reply.raw.on('close', end);
  if (closing?.aborted) abort.abort();
  else closing?.addEventListener('abort', end, { once: true });
  // the server's signal outlives every stream: each takes its listener back when it ends
  abort.signal.addEventListener('abort', () => closing?.removeEventListener('abort', end), { once: true });
  return abort;
}

/**
 * The chunks of `source` until `signal` aborts, at once rather than at the next chunk (a
 * quiet log may not write one for minutes); the source is left to end on its own.
 */
async function* untilAborted(source: AsyncIterable<string>, signal: AbortSignal): AsyncIterable<string> {
  if (signal.aborted) return;
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) =>
    signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
  );
  for (;;) {
    const next = await Promise.race([iterator.next(), aborted]);
    if (next === 'aborted') {
      void iterator.return?.().catch(() => undefined);
      return;
    }
    if (next.done) return;
    yield next.value;
  }
}
