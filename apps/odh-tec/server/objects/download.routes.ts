import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { LocationService, OpenLocation } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { parseByteRange } from '../storage/byte-range.ts';
import { attachmentDisposition, fileNameOfKey } from '../storage/content-disposition.ts';
import { decodeKey } from '../storage/key-codec.ts';
import { previewContentType } from '../storage/preview-type.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { storageError } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { withLocation } from './location-client.ts';
import { BucketKeyParams, LocationQuery } from './object.schema.ts';

const tags = ['odh-tec objects'];
/** Upper bound of `maxBytes` for previews (spec 01-odh-tec "API"). */
const PREVIEW_LIMIT = 10 * 1024 * 1024;
const DEFAULT_PREVIEW_BYTES = 1024 * 1024;

const PreviewQuery = Type.Object({
  location: LocationQuery.properties.location,
  /** bytes read from the start of the object; default ODH_TEC_PREVIEW_MAX_BYTES */
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: PREVIEW_LIMIT })),
});

/** Raw bytes: Fastify sends Buffers and streams as they are, without a serializer. */
const Bytes = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });

const previewDefault = (env: Record<string, string | undefined>): number => {
  const configured = Number(env.ODH_TEC_PREVIEW_MAX_BYTES);
  return Number.isInteger(configured) && configured > 0 ? Math.min(configured, PREVIEW_LIMIT) : DEFAULT_PREVIEW_BYTES;
};

/** Streams one object (or one byte range of it) to the client without buffering; the location is released at the end. */
async function sendObject(
  location: OpenLocation,
  bucket: string,
  key: string,
  rangeHeader: string | undefined,
  method: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const head = await location.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  const range = parseByteRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`);
    throw new AppError(416, 'invalid_range', `the range cannot be satisfied by an object of ${size} bytes`);
  }
  reply
    .header('Content-Type', 'application/octet-stream')
    .header('Content-Disposition', attachmentDisposition(fileNameOfKey(key)))
    .header('Accept-Ranges', 'bytes');
  if (head.ETag) reply.header('ETag', head.ETag);
  if (head.LastModified) reply.header('Last-Modified', head.LastModified.toUTCString());
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  if (range.kind === 'partial') reply.status(206).header('Content-Range', `bytes ${start}-${end}/${size}`);
  reply.header('Content-Length', String(size === 0 ? 0 : end - start + 1));
  if (method === 'HEAD' || size === 0) {
    location.release();
    return reply.send();
  }
  // If-Match keeps the bytes consistent with the headers already decided, should the object change in between.
  const object = await location.client.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      Range: range.kind === 'partial' ? `bytes=${start}-${end}` : undefined,
      IfMatch: head.ETag,
    }),
  );
  // The response closes when sent or when the client goes away; Fastify then destroys the source stream.
  reply.raw.once('close', () => location.release());
  return reply.send(object.Body as Readable);
}

/** Download (streamed, ranged) and preview (the first bytes, typed safely) of one object (spec 01-odh-tec M4, M5). */
export const downloadRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const previewBytes = previewDefault(kernel.config.env);

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/objects/download/:bucketName/*',
    schema: {
      tags,
      summary: 'Download an object (`:encodedKey`), whole or one byte range',
      params: BucketKeyParams,
      querystring: LocationQuery,
      response: { ...errorResponses, ...storageErrorResponses, 416: ErrorResponse },
    },
    handler: async (request, reply) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const key = decodeKey(request.params['*']);
      const location = await locations.open(request, PERMISSIONS.objectsRead, request.query.location);
      try {
        return await sendObject(location, bucket, key, request.headers.range, request.method, reply);
      } catch (error) {
        location.release();
        throw storageError(error);
      }
    },
  });

  app.get(
    '/api/objects/view/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Preview the first bytes of an object (`:encodedKey`)',
        params: BucketKeyParams,
        querystring: PreviewQuery,
        response: { 200: Bytes, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const key = decodeKey(request.params['*']);
      const maxBytes = request.query.maxBytes ?? previewBytes;
      const { head, size } = await withLocation(
        locations,
        request,
        PERMISSIONS.objectsRead,
        request.query.location,
        async (client) => {
          const stat = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          const objectSize = stat.ContentLength ?? 0;
          if (objectSize === 0) return { head: new Uint8Array(0), size: 0 };
          // Only the head is fetched: previews never pull a whole (possibly huge) object (spec M4, acceptance 23).
          const object = await client.send(
            new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes - 1}`, IfMatch: stat.ETag }),
          );
          return { head: await object.Body!.transformToByteArray(), size: objectSize };
        },
      );
      const truncated = size > head.length;
      return reply
        .header('Content-Type', previewContentType(key, head, truncated))
        .header('X-Object-Size', String(size))
        .header('X-Truncated', String(truncated))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', 'sandbox')
        .send(Buffer.from(head));
    },
  );
};
