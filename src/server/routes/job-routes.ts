import type { AppContext } from '../../app/context.js';
import { cancelJob } from '../../app/jobs/cancel-job.js';
import { jobMove } from '../../app/jobs/job-move.js';
import { previewPlacement } from '../../app/jobs/preview-placement.js';
import { getJob, listJobs } from '../../app/jobs/query-jobs.js';
import { submitJob } from '../../app/jobs/submit-job.js';
import { Job, JobList, JobListQuery, PlacementPreview, Problem } from '../../api/schemas.js';
import { withBackendReason } from '../backend-reason.js';
import { toJobView } from '../job-view.js';
import { logJobMove } from '../log-job-move.js';
import { readBodyText } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not allowed for this key', schema: Problem },
};

export function listJobRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/v1/jobs',
      operationId: 'submitJob',
      summary: 'Submit a Job or Service spec (JSON, or YAML with Content-Type: application/yaml)',
      tag: 'jobs',
      auth: true,
      body: 'spec',
      headers: [
        {
          name: 'Idempotency-Key',
          required: true,
          description: 'The same key and body return the same job; the same key with another body is a 422.',
        },
      ],
      responses: {
        201: { description: 'Queued', schema: Job },
        200: { description: 'Replayed: this key and body were submitted before', schema: Job },
        400: { description: 'Missing Idempotency-Key or malformed request', schema: Problem },
        ...problems,
        422: {
          description: 'Invalid spec (errors carry field paths, lines and columns) or key reused',
          schema: Problem,
        },
      },
      handle: async (request, reply, principal) => {
        const key = request.headers['idempotency-key'];
        const { job, created } = await submitJob(ctx, principal, {
          text: readBodyText(request),
          idempotencyKey: Array.isArray(key) ? key[0] : key,
        });
        if (created) logJobMove(request.log, job.id, jobMove(job));
        reply.code(created ? 201 : 200).header('Location', `/v1/jobs/${job.id}`);
        return toJobView(job);
      },
    },
    {
      method: 'POST',
      url: '/v1/placements',
      operationId: 'previewPlacement',
      summary:
        'A dry run: where a spec would be placed now and why (validated as a submission; nothing stored)',
      tag: 'jobs',
      auth: true,
      body: 'spec',
      responses: {
        200: { description: 'The decision a submission would get now', schema: PlacementPreview },
        400: { description: 'Malformed request', schema: Problem },
        ...problems,
        422: { description: 'Invalid spec (errors carry field paths, lines and columns)', schema: Problem },
        503: { description: 'The sites have not been measured yet', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const outcome = await previewPlacement(ctx, principal, readBodyText(request));
        return { status: outcome.to, reason: outcome.reason, placement: outcome.view };
      },
    },
    {
      method: 'GET',
      url: '/v1/jobs',
      operationId: 'listJobs',
      summary: 'List jobs, newest first page by page ({items, nextCursor})',
      tag: 'jobs',
      auth: true,
      query: JobListQuery,
      responses: {
        200: { description: 'A page of jobs', schema: JobList },
        400: { description: 'Bad filter', schema: Problem },
        ...problems,
      },
      handle: async (request, _reply, principal) => {
        const q = request.query as Record<string, string | undefined>;
        const page = await listJobs(ctx, principal, {
          ...(q['status'] ? { status: q['status'] } : {}),
          ...(q['project'] ? { project: q['project'] } : {}),
          ...(q['site'] ? { site: q['site'] } : {}),
          ...(q['tenant'] ? { tenant: q['tenant'] } : {}),
          ...(q['label'] ? { label: q['label'] } : {}),
          ...(q['cursor'] ? { cursor: q['cursor'] } : {}),
          ...(q['limit'] ? { limit: Number(q['limit']) } : {}),
        });
        return { items: page.items.map(toJobView), nextCursor: page.nextCursor };
      },
    },
    {
      method: 'GET',
      url: '/v1/jobs/:id',
      operationId: 'getJob',
      summary: 'A job: status, placement with its explanation, allocation, times, exit code',
      tag: 'jobs',
      auth: true,
      responses: {
        200: { description: 'The job', schema: Job },
        ...problems,
        404: { description: 'No such job', schema: Problem },
      },
      handle: async (request, _reply, principal) =>
        toJobView(
          await withBackendReason(ctx, await getJob(ctx, principal, (request.params as { id: string }).id)),
        ),
    },
    {
      method: 'POST',
      url: '/v1/jobs/:id/cancel',
      operationId: 'cancelJob',
      summary: 'Cancel a job that has not finished',
      tag: 'jobs',
      auth: true,
      responses: {
        200: { description: 'Cancelled', schema: Job },
        ...problems,
        404: { description: 'No such job', schema: Problem },
        409: { description: 'Already finished', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const job = await cancelJob(ctx, principal, (request.params as { id: string }).id);
        logJobMove(request.log, job.id, jobMove(job));
        return toJobView(job);
      },
    },
  ];
}
