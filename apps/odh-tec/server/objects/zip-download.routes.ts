import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { FastifyReply } from 'fastify';
import type { LocationService, OpenLocation } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { attachmentDisposition } from '../storage/content-disposition.ts';
import { decodePrefix } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { storageError } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { BucketKeyParams, LocationQuery } from './object.schema.ts';
import { isFolderMarker } from './object-entry.ts';
import { type ZipEntry, zipEntryName, zipStream } from './zip-stream.ts';

const tags = ['odh-tec objects'];

/** Every file below `prefix` as ZIP entries, one listing page at a time, starting from an already fetched first page. */
async function* entriesBelow(
  location: OpenLocation,
  bucket: string,
  prefix: string,
  first: ListObjectsV2CommandOutput,
): AsyncGenerator<ZipEntry> {
  let page = first;
  for (;;) {
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const name = zipEntryName(key, prefix);
      // Folder markers are an S3 artefact; a name left empty by dropped segments has no place in the archive.
      if (!name || isFolderMarker(key)) continue;
      yield {
        name,
        size: object.Size ?? 0,
        modified: object.LastModified ?? new Date(),
        open: async () => {
          const body = await location.client.send(
            new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: object.ETag }),
          );
          return body.Body as Readable;
        },
      };
    }
    if (!page.IsTruncated) return;
    page = await location.client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        ContinuationToken: page.NextContinuationToken,
      }),
    );
  }
}

/** Streams the archive; the location is released when the response ends or the client goes away. */
function sendArchive(
  reply: FastifyReply,
  location: OpenLocation,
  bucket: string,
  prefix: string,
  first: ListObjectsV2CommandOutput,
): FastifyReply {
  const folder = prefix.split('/').filter(Boolean).at(-1) ?? bucket;
  const archive = Readable.from(zipStream(entriesBelow(location, bucket, prefix, first)), { objectMode: false });
  // Fastify destroys the archive stream when the client goes away, which stops the listing and the open GetObject.
  reply.raw.once('close', () => location.release());
  return reply
    .header('Content-Type', 'application/zip')
    .header('Content-Disposition', attachmentDisposition(`${folder}.zip`))
    .header('X-Content-Type-Options', 'nosniff')
    .send(archive);
}

/** A folder (prefix) downloaded as one streamed ZIP archive (spec 01-odh-tec S2). */
export const zipDownloadRoutes: FastifyPluginAsyncTypebox<{ locations: LocationService }> = async (
  app,
  { locations },
) => {
  app.get(
    '/api/objects/download-zip/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Download everything below a prefix (`:encodedPrefix`) as a ZIP archive (zip64, stored)',
        params: BucketKeyParams,
        querystring: LocationQuery,
        response: { ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const decoded = decodePrefix(request.params['*']);
      const prefix = decoded && !decoded.endsWith('/') ? `${decoded}/` : decoded;
      const location = await locations.open(request, PERMISSIONS.objectsRead, request.query.location);
      let first: ListObjectsV2CommandOutput;
      try {
        // The first page is read before answering, so a missing bucket or a denied listing is a proper error status.
        first = await location.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined }));
      } catch (error) {
        location.release();
        throw storageError(error);
      }
      return sendArchive(reply, location, bucket, prefix, first);
    },
  );
};
