import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditContextOf } from '../audit/audit-context.ts';
import { errorResponses } from '../http/error-shape.schema.ts';
import { notFound } from '../http/errors.ts';
import { IdParams } from '../identity/identity.schema.ts';
import { isAdmin } from '../identity/principal.ts';
import type { Kernel } from '../kernel.ts';
import { presentJob } from './job.presenter.ts';
import { JobStatus, JobView } from './job.schema.ts';
import { streamJobEvents } from './job-events.ts';

const JobList = Type.Object({
  items: Type.Array(JobView),
  /** pass as `cursor` for the next page */
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page' }),
});

/** Background jobs: users see their own, administrators all. */
export const jobsRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { jobs, audit } = kernel;
  const tags = ['jobs'];

  const load = async (id: string) => {
    const job = await jobs.get(id);
    if (!job) throw notFound('job');
    return job;
  };

  app.get(
    '/platform/api/jobs',
    {
      schema: {
        tags,
        querystring: Type.Object({
          status: Type.Optional(JobStatus),
          queue: Type.Optional(Type.String({ maxLength: 100, description: 'queue name' })),
          cursor: Type.Optional(Type.String({ format: 'date-time', description: 'from nextCursor' })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'page size' }),
        }),
        response: { 200: JobList, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize('platform:jobs:read');
      const { status, queue, cursor, limit } = request.query;
      const rows = await jobs.list({
        ownerId: isAdmin(principal) ? undefined : principal.userId,
        status,
        queue,
        beforeCreatedAt: cursor ? new Date(cursor) : undefined,
        limit,
      });
      return {
        items: rows.map(presentJob),
        nextCursor: rows.length === limit ? rows.at(-1)!.createdAt.toISOString() : null,
      };
    },
  );

  app.get(
    '/platform/api/jobs/:id',
    { schema: { tags, params: IdParams, response: { 200: JobView, ...errorResponses } } },
    async (request) => {
      const job = await load(request.params.id);
      request.authorize('platform:jobs:read', { ownerId: job.ownerId });
      return presentJob(job);
    },
  );

  app.get(
    '/platform/api/jobs/:id/events',
    { schema: { tags, summary: 'Job progress as Server-Sent Events (Last-Event-ID replay)', params: IdParams } },
    async (request, reply) => {
      const job = await load(request.params.id);
      request.authorize('platform:jobs:read', { ownerId: job.ownerId });
      await streamJobEvents(jobs, job.id, request, reply);
    },
  );

  app.post(
    '/platform/api/jobs/:id/cancel',
    { schema: { tags, params: IdParams, response: { 200: JobView, ...errorResponses } } },
    async (request) => {
      const job = await load(request.params.id);
      request.authorize('platform:jobs:manage', { ownerId: job.ownerId });
      const after = await jobs.cancel(job.id);
      await audit.record(auditContextOf(request), {
        action: 'job.cancel',
        targetType: 'job',
        targetId: job.id,
        before: { status: job.status },
      });
      return presentJob(after);
    },
  );

  app.post(
    '/platform/api/jobs/:id/retry',
    { schema: { tags, params: IdParams, response: { 200: JobView, ...errorResponses } } },
    async (request) => {
      const job = await load(request.params.id);
      request.authorize('platform:jobs:manage', { ownerId: job.ownerId });
      const after = await jobs.retry(job.id);
      await audit.record(auditContextOf(request), {
        action: 'job.retry',
        targetType: 'job',
        targetId: job.id,
        before: { status: job.status },
      });
      return presentJob(after);
    },
  );
};
