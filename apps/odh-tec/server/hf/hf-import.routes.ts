import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { LocationService } from '../locations/location.service.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { transferEngineOf } from '../transfers/transfer.job.ts';
import { TransferService } from '../transfers/transfer.service.ts';
import { ImportHf, ImportHfUpstream, ImportStarted, ImportStartedUpstream } from './hf-import.schema.ts';
import { HfImportService } from './hf-import.service.ts';

const tags = ['odh-tec Hugging Face'];
/** Imports started per minute (spec "Bad input": HF import 10/min). */
const importRateLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/** Hugging Face imports as transfer jobs: the architecture route and the v2.1.1 alias. */
export const hfImportRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const imports = new HfImportService(kernel, new TransferService(kernel, transferEngineOf(kernel)), locations);
  const sseUrl = (id: string): string => `${app.prefix}/api/transfers/${id}/events`;

  app.post(
    '/api/objects/import-hf',
    {
      config: importRateLimit,
      schema: {
        tags,
        summary: 'Import a model repository from the Hugging Face Hub (a background job)',
        body: ImportHf,
        response: { 202: ImportStarted, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const { destination, ...rest } = request.body;
      const local = destination.locationId?.startsWith('local-') ?? false;
      const { row, commit } = await imports.start(request, {
        ...rest,
        prefix: local ? undefined : destination.prefix,
        destination: {
          type: local ? 'local' : 's3',
          locationId: destination.locationId,
          bucket: destination.bucket,
          path: local ? [destination.path, destination.prefix].filter(Boolean).join('/') : undefined,
        },
      });
      return reply.code(202).send({ jobId: row.id, sseUrl: sseUrl(row.id), revision: commit });
    },
  );

  app.post(
    '/api/objects/huggingface-import',
    {
      config: importRateLimit,
      schema: {
        tags,
        summary: 'Import a model (upstream v2.1.1 shape)',
        body: ImportHfUpstream,
        response: { 202: ImportStartedUpstream, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { row } = await imports.start(request, {
        modelId: body.modelId,
        hfToken: body.hfToken,
        prefix: body.destinationType === 's3' ? body.prefix : undefined,
        destination:
          body.destinationType === 's3'
            ? { type: 's3', bucket: body.bucketName }
            : {
                type: 'local',
                locationId: body.localLocationId,
                path: [body.localPath, body.prefix].filter(Boolean).join('/'),
              },
      });
      return reply.code(202).send({ message: 'Model import started' as const, jobId: row.id, sseUrl: sseUrl(row.id) });
    },
  );
};
