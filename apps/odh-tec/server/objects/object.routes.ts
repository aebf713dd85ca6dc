import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { assertValidKey, decodeKey, decodePrefix } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { storageError } from '../storage/storage-errors.ts';
import { assertBucketName, assertFolderName } from '../storage/storage-names.ts';
import { deleteFolder, type FolderDeleteOutcome } from './folder-delete.ts';
import { withLocation } from './location-client.ts';
import {
  BucketKeyParams,
  BucketParams,
  CreatedFolder,
  DeleteResult,
  DeleteStarted,
  ListObjectsQuery,
  LocationQuery,
  type ObjectPage,
  ObjectPage as ObjectPageSchema,
} from './object.schema.ts';
import { FOLDER_MARKER, isFolderMarker, objectEntry } from './object-entry.ts';
import { searchMaxPagesOf, searchObjects } from './object-search.ts';

/** Upstream's MAX_FILES_PER_PAGE default; the persisted setting is not part of this app yet. */
const DEFAULT_PAGE_SIZE = 100;
/** Rate limit of searches that may scan (spec "Bad input and security": contains-search 30/min per user). */
const SEARCHES_PER_MINUTE = 30;
const tags = ['odh-tec objects'];

async function listPage(
  client: S3Client,
  bucket: string,
  prefix: string,
  query: ListObjectsQuery,
): Promise<ObjectPage> {
  const answer = await client.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix || undefined,
      Delimiter: '/',
      MaxKeys: query.maxKeys ?? DEFAULT_PAGE_SIZE,
      ContinuationToken: query.continuationToken,
    }),
  );
  const contents = answer.Contents ?? [];
  const visible = contents.filter((object) => !isFolderMarker(object.Key ?? ''));
  return {
    objects: visible.map(objectEntry),
    prefixes: (answer.CommonPrefixes ?? []).map((entry) => ({ Prefix: entry.Prefix ?? '' })),
    nextContinuationToken: answer.IsTruncated ? (answer.NextContinuationToken ?? null) : null,
    isTruncated: Boolean(answer.IsTruncated),
    hiddenCount: contents.length - visible.length,
  };
}

/** Browsing a location: list with folders and cursor pagination, exact-key delete, create folder. */
export const objectRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const searchMaxPages = searchMaxPagesOf(kernel.config.env);
  const searchRateLimit = app.rateLimit({
    max: SEARCHES_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.principal?.userId ?? request.ip,
  });
  // Only searches that may scan several S3 pages count: `contains`, or a `startsWith` that may be broadened to it.
  const limitScans = async (request: FastifyRequest<{ Querystring: ListObjectsQuery }>, reply: FastifyReply) => {
    const { q, mode, autoBroaden } = request.query;
    if (q && (mode === 'contains' || autoBroaden)) await searchRateLimit.call(app, request, reply);
  };
  const listSchema = {
    tags,
    querystring: ListObjectsQuery,
    response: { 200: ObjectPageSchema, ...errorResponses, ...storageErrorResponses },
  };
  const listOrSearch = (client: S3Client, bucket: string, prefix: string, query: ListObjectsQuery) =>
    query.q
      ? searchObjects(
          client,
          bucket,
          prefix,
          { ...query, q: query.q, maxKeys: query.maxKeys ?? DEFAULT_PAGE_SIZE },
          searchMaxPages,
        )
      : listPage(client, bucket, prefix, query);

  app.get(
    '/api/objects/:bucketName',
    {
      preHandler: limitScans,
      schema: { ...listSchema, summary: 'Objects and folders at the top of a bucket', params: BucketParams },
    },
    async (request) => {
      assertBucketName(request.params.bucketName);
      return withLocation(locations, request, PERMISSIONS.objectsRead, request.query.location, (client) =>
        listOrSearch(client, request.params.bucketName, '', request.query),
      );
    },
  );

  app.get(
    '/api/objects/:bucketName/*',
    {
      preHandler: limitScans,
      schema: {
        ...listSchema,
        summary: 'Objects and folders under a prefix (`:encodedPrefix`), or a search in it (`q`)',
        params: BucketKeyParams,
      },
    },
    async (request) => {
      assertBucketName(request.params.bucketName);
      const prefix = decodePrefix(request.params['*']);
      return withLocation(locations, request, PERMISSIONS.objectsRead, request.query.location, (client) =>
        listOrSearch(client, request.params.bucketName, prefix, request.query),
      );
    },
  );

  app.delete(
    '/api/objects/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Delete exactly one object (`:encodedKey`), or a folder (key ending `/`) with everything in it',
        params: BucketKeyParams,
        querystring: LocationQuery,
        response: { 200: DeleteResult, 202: DeleteStarted, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const key = decodeKey(request.params['*']);
      const location = await locations.open(request, PERMISSIONS.objectsDelete, request.query.location);
      let outcome: FolderDeleteOutcome;
      try {
        if (key.endsWith('/')) {
          const { userId } = request.authorize(PERMISSIONS.objectsDelete);
          // The folder delete owns the location from here on: it may outlive the request (202 after 10 s).
          outcome = await deleteFolder(kernel, location, userId, bucket, key);
        } else {
          try {
            // The exact key only: upstream deleted by prefix, so deleting `a.txt` also removed `a.txt.bak` (spec M6).
            await location.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
            await location.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
            outcome = { count: 1 };
          } finally {
            location.release();
          }
        }
      } catch (error) {
        throw storageError(error);
      }
      await kernel.audit.record(auditContextOf(request), {
        action: key.endsWith('/') ? 'odh-tec.folder.delete' : 'odh-tec.object.delete',
        targetType: 'odh-tec.object',
        targetId: `${location.id}/${bucket}/${key}`,
        before: outcome,
      });
      if ('jobId' in outcome) {
        return reply
          .code(202)
          .send({ jobId: outcome.jobId, sseUrl: `${app.prefix}/api/transfers/${outcome.jobId}/events` });
      }
      return { deleted: true, count: outcome.count };
    },
  );

  app.post(
    '/api/objects/folder/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Create a folder (an empty `.s3keep` marker) at `:encodedPrefix`',
        params: BucketKeyParams,
        querystring: LocationQuery,
        response: { 201: CreatedFolder, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const decoded = decodeKey(request.params['*']);
      const prefix = decoded.endsWith('/') ? decoded : `${decoded}/`;
      assertFolderName(prefix.slice(0, -1).split('/').pop() ?? '');
      const key = `${prefix}${FOLDER_MARKER}`;
      assertValidKey(key);
      await withLocation(locations, request, PERMISSIONS.objectsWrite, request.query.location, (client) =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(0), ContentLength: 0 })),
      );
      return reply.status(201).send({ key });
    },
  );
};
