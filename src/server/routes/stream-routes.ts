import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { getJob } from '../../app/jobs/query-jobs.js';
import { isFinished } from '../../domain/jobs/lifecycle.js';
import { Problem } from '../../api/schemas.js';
import type { JobNotifier } from '../job-notifier.js';
import type { RouteSpec } from '../route-spec.js';

const POLL_MS = 1000;
const problems = {
  401: { description: 'No valid API key', schema: Problem },
  404: { description: 'No such job', schema: Problem },
};

export function listStreamRoutes(ctx: AppContext, notifier: JobNotifier): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/jobs/:id/logs',
      operationId: 'getJobLogs',
      summary: 'The job’s output; ?follow=true streams it until the job ends',
      tag: 'jobs',
      auth: true,
      responses: { 200: { description: 'Plain text', contentType: 'text/plain' }, ...problems },
      handle: async (request, reply, principal) => {
        const id = (request.params as { id: string }).id;
        const follow = (request.query as { follow?: string }).follow === 'true';
        let job = await getJob(ctx, principal, id);
        const abort = abortOnClose(request, reply);
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
          for await (const chunk of executor.logs(job.handle, { offset: 0, follow })) {
            if (abort.signal.aborted) break;
            reply.raw.write(chunk);
          }
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
        await getJob(ctx, principal, id);
        const abort = abortOnClose(request, reply);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        let after = Number(request.headers['last-event-id'] ?? 0) || 0;
        while (!abort.signal.aborted) {
          const events = await ctx.store.transaction((tx) => tx.listJobEvents(id, after, 100));
          for (const event of events) {
            reply.raw.write(
              `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify({ at: event.at, ...(event.data as object) })}\n\n`,
            );
            after = event.seq;
          }
          if (events.length === 100) continue;
          const job = await getJob(ctx, principal, id);
          if (isFinished(job.status)) {
            const rest = await ctx.store.transaction((tx) => tx.listJobEvents(id, after, 100));
            if (rest.length === 0) break;
            continue;
          }
          await notifier.waitForChange(id, POLL_MS, abort.signal);
        }
        reply.raw.end();
        return undefined;
      },
    },
  ];
}

function abortOnClose(request: FastifyRequest, reply: FastifyReply): AbortController {
  const abort = new AbortController();
  request.raw.on('close', () => abort.abort());
  reply.raw.on('close', () => abort.abort());
  return abort;
}
