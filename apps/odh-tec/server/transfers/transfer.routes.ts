import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { streamTransfer, streamTransferUpstream } from './transfer.events.ts';
import { transferEngineOf } from './transfer.job.ts';
import { presentTransfer } from './transfer.presenter.ts';
import {
  CheckConflicts,
  CleanupResult,
  ConflictReport,
  CreateCopy,
  JobParams,
  ListTransfersQuery,
  TransferCreated,
  TransferList,
  TransferView,
} from './transfer.schema.ts';
import { TransferService } from './transfer.service.ts';

const tags = ['odh-tec transfers'];
/** Transfers started per user and minute (spec "Bad input": transfers 30/min). */
const createRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/**
 * Transfer jobs: copies between locations, their list, detail, cancel, resume, cleanup and SSE progress, with the
 * upstream v2.1.1 aliases under `/api/transfer…` (errors always in the kernel format).
 */
export const transferRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const service = new TransferService(kernel, transferEngineOf(kernel));
  const sseUrl = (id: string): string => `${app.prefix}/api/transfers/${id}/events`;

  for (const url of ['/api/transfers', '/api/transfer']) {
    app.post(
      url,
      {
        config: createRateLimit,
        schema: {
          tags,
          summary: 'Copy files between locations (a background job)',
          body: CreateCopy,
          response: { 202: TransferCreated, ...errorResponses, ...storageErrorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createCopy(request, request.body);
        return reply.code(202).send({ jobId: row.id, sseUrl: sseUrl(row.id) });
      },
    );
    app.post(
      `${url}/check-conflicts`,
      {
        schema: {
          tags,
          summary: 'Which of these files already exist at the destination',
          body: CheckConflicts,
          response: { 200: ConflictReport, ...errorResponses, ...storageErrorResponses },
        },
      },
      (request) => service.checkConflicts(request, request.body),
    );
    app.get(
      `${url}/:jobId`,
      {
        schema: {
          tags,
          summary: 'One transfer with its files',
          params: JobParams,
          response: { 200: TransferView, ...errorResponses },
        },
      },
      async (request) => {
        const row = await service.load(request, PERMISSIONS.objectsRead, request.params.jobId);
        return presentTransfer(row, await service.engine.repository.files(row.id));
      },
    );
    app.delete(
      `${url}/:jobId`,
      {
        schema: {
          tags,
          summary: 'Cancel a transfer',
          params: JobParams,
          response: { 200: Type.Object({ cancelled: Type.Literal(true) }), ...errorResponses },
        },
      },
      async (request) => {
        await service.cancel(request, request.params.jobId);
        return { cancelled: true as const };
      },
    );
    app.post(
      `${url}/:jobId/cleanup`,
      {
        schema: {
          tags,
          summary: 'Delete what a cancelled or failed transfer wrote',
          params: JobParams,
          response: { 200: CleanupResult, 207: CleanupResult, ...errorResponses, ...storageErrorResponses },
        },
      },
      async (request, reply) => {
        const result = await service.cleanup(request, request.params.jobId);
        return reply.code(result.errors.length ? 207 : 200).send(result);
      },
    );
  }

  app.get(
    '/api/transfers',
    {
      schema: {
        tags,
        summary: 'My transfers, newest first',
        querystring: ListTransfersQuery,
        response: { 200: TransferList, ...errorResponses },
      },
    },
    async (request) => {
      const { userId } = request.authorize(PERMISSIONS.objectsRead);
      const limit = request.query.limit ?? 20;
      const before = request.query.cursor ? new Date(request.query.cursor) : undefined;
      const rows = await service.engine.repository.listForOwner(userId, {
        status: request.query.status,
        kind: request.query.kind,
        limit,
        before: before && !Number.isNaN(before.getTime()) ? before : undefined,
      });
      return {
        transfers: rows.map((row) => presentTransfer(row)),
        nextCursor: rows.length === limit ? rows[rows.length - 1].createdAt.toISOString() : null,
      };
    },
  );
  app.post(
    '/api/transfers/:jobId/resume',
    {
      schema: {
        tags,
        summary: 'Resume a failed, cancelled or interrupted transfer (finished files are skipped)',
        params: JobParams,
        response: { 202: TransferCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await service.resume(request, request.params.jobId);
      return reply.code(202).send({ jobId: row.id, sseUrl: sseUrl(row.id) });
    },
  );
  app.get(
    '/api/transfers/:jobId/events',
    { schema: { tags, summary: 'Progress of a transfer (SSE)', params: JobParams, response: errorResponses } },
    async (request, reply) => {
      const row = await service.load(request, PERMISSIONS.objectsRead, request.params.jobId);
      await streamTransfer(service.engine, row.id, request, reply);
    },
  );
  app.get(
    '/api/transfer/progress/:jobId',
    {
      schema: {
        tags,
        summary: 'Progress in the upstream 2.1 format (SSE)',
        params: JobParams,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      // Upstream answers an unknown job inside the stream; another user's job is just as unknown.
      const row = await service.load(request, PERMISSIONS.objectsRead, request.params.jobId).catch((error) => {
        if (error instanceof AppError && error.statusCode === 404) return undefined;
        throw error;
      });
      await streamTransferUpstream(service.engine, row?.id, request, reply);
    },
  );
};
