import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { decodeKey } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { transferEngineOf } from '../transfers/transfer.job.ts';
import { BucketKeyParams, BucketParams, LocationQuery } from './object.schema.ts';
import { UploadService } from './upload.service.ts';
import { streamUploadProgress } from './upload-progress.ts';

const tags = ['odh-tec objects'];
const DRAIN_LIMIT = 64 * 1024 * 1024;

const UploadQuery = Type.Object({
  location: LocationQuery.properties.location,
  /** base64url of the object key */
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  /** base64url of the prefix the file name (or `relativePath`) is appended to; `there_is_no_prefix` = top */
  prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  /** the transfer id to use, so a client can follow `/api/transfers/:jobId/events` before the response */
  jobId: Type.Optional(Type.String({ format: 'uuid' })),
  /** the exact file size in bytes */
  size: Type.Optional(Type.Integer({ minimum: 0 })),
  /** hex SHA-256 the received bytes must match */
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
});
type UploadQuery = Static<typeof UploadQuery>;

const UploadResult = Type.Object({
  message: Type.Literal('Object uploaded successfully'),
  jobId: Type.String(),
  location: Type.String(),
  bucket: Type.String(),
  key: Type.String(),
  size: Type.Integer(),
  etag: Type.String(),
  sha256: Type.String(),
});

const KeyParams = Type.Object({
  /** base64url (or standard base64) of the UTF-8 key */
  '*': Type.String({ minLength: 1, maxLength: 4096 }),
});

const AbortResult = Type.Object({
  message: Type.Union([Type.Literal('Upload aborted'), Type.Literal('No upload to abort')]),
});

const uploadResponses = {
  200: UploadResult,
  ...errorResponses,
  ...storageErrorResponses,
  413: ErrorResponse,
  499: ErrorResponse,
  503: ErrorResponse,
};

/**
 * Browser uploads into a bucket (spec 01-odh-tec M8): the architecture route with `key`/`prefix` in the query, the
 * v2.1.1 route with `:encodedKey`, and the upstream per-key progress and abort aliases.
 */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const service = new UploadService(kernel, locations, transferEngineOf(kernel));

  // Encapsulated like the local upload routes: one file part, a few fields before it; busboy's cap sits one byte above
  // MAX_FILE_SIZE_GB so a bigger file is refused with `file_too_large`, never silently truncated.
  await app.register(multipart, {
    limits: {
      files: 1,
      fields: 10,
      parts: 20,
      fileSize: service.maxFileBytes > 0 ? service.maxFileBytes + 1 : Number.POSITIVE_INFINITY,
    },
  });

  // An answer given before the whole body arrived (a refusal, a cancel): the multipart parser has stopped reading, so
  // the rest is discarded here or the kept-alive socket would stall the client's next request. Beyond 64 MiB the
  // connection is closed instead of reading a possibly huge remainder.
  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete) return;
    request.raw.unpipe();
    request.raw.resume();
    if (!(Number(request.headers['content-length']) <= DRAIN_LIMIT)) reply.header('Connection', 'close');
  });

  /** Aborts the upload when the client goes away before the response is written (spec "Upload": disconnect). */
  const disconnectSignal = (reply: FastifyReply): AbortSignal => {
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
    });
    return controller.signal;
  };

  const receive = async (bucket: string, routeKey: string | undefined, query: UploadQuery, reply: FastifyReply) =>
    service.upload(reply.request, { bucket, routeKey, query }, disconnectSignal(reply));

  app.post(
    '/api/objects/upload/:bucketName',
    {
      schema: {
        tags,
        summary: 'Upload one file (multipart part `file`); the key comes from `key`, or `prefix` + file name',
        params: BucketParams,
        querystring: UploadQuery,
        response: uploadResponses,
      },
    },
    (request, reply) => receive(request.params.bucketName, undefined, request.query, reply),
  );

  app.post(
    '/api/objects/upload/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Upload one file (multipart part `file`) to `:encodedKey` (v2.1.1)',
        params: BucketKeyParams,
        querystring: UploadQuery,
        response: uploadResponses,
      },
    },
    (request, reply) => receive(request.params.bucketName, request.params['*'], request.query, reply),
  );

  app.get(
    '/api/objects/upload-progress/*',
    {
      schema: {
        tags,
        summary: 'Progress of my newest upload of `:encodedKey` (upstream alias, SSE)',
        params: KeyParams,
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const { userId } = request.authorize(PERMISSIONS.objectsWrite);
      const key = decodeKey(request.params['*']);
      await streamUploadProgress(service, userId, key, request, reply);
    },
  );

  app.post(
    '/api/objects/abort-upload/*',
    {
      schema: {
        tags,
        summary: 'Abort my running uploads of `:encodedKey` (upstream alias)',
        params: KeyParams,
        response: { 200: AbortResult, ...errorResponses },
      },
    },
    async (request) => {
      const key = decodeKey(request.params['*']);
      const aborted = await service.abortUploads(request, key);
      return { message: aborted ? ('Upload aborted' as const) : ('No upload to abort' as const) };
    },
  );

  app.get(
    '/api/objects/abort-upload/*',
    {
      schema: {
        tags,
        summary: 'Refused: aborting takes a POST (upstream answered 405)',
        params: KeyParams,
        response: { 405: ErrorResponse, ...errorResponses },
      },
    },
    async (_request, reply) => {
      reply.header('Allow', 'POST');
      throw new AppError(405, 'method_not_allowed', 'use POST to abort an upload');
    },
  );
};
