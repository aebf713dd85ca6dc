import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { assertValidKey, decodeKey, decodePrefix } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { assertBucketName, assertFolderName } from '../storage/storage-names.ts';
import { withLocation } from './location-client.ts';
import {
  BucketKeyParams,
  BucketParams,
  CreatedFolder,
  DeleteResult,
  ListObjectsQuery,
  LocationQuery,
  type ObjectPage,
  ObjectPage as ObjectPageSchema,
} from './object.schema.ts';

/** Folders are kept visible by an empty marker object, hidden from listings (spec 01-odh-tec M7). */
const FOLDER_MARKER = '.s3keep';
/** Upstream's MAX_FILES_PER_PAGE default; the persisted setting is not part of this app yet. */
const DEFAULT_PAGE_SIZE = 100;
const DELETE_BATCH = 1000;
const tags = ['odh-tec objects'];

const isFolderMarker = (key: string): boolean => key === FOLDER_MARKER || key.endsWith(`/${FOLDER_MARKER}`);

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
    objects: visible.map((object) => ({
      Key: object.Key ?? '',
      LastModified: object.LastModified?.toISOString() ?? null,
      Size: object.Size ?? 0,
      ETag: object.ETag ?? null,
      StorageClass: object.StorageClass ?? null,
    })),
    prefixes: (answer.CommonPrefixes ?? []).map((entry) => ({ Prefix: entry.Prefix ?? '' })),
    nextContinuationToken: answer.IsTruncated ? (answer.NextContinuationToken ?? null) : null,
    isTruncated: Boolean(answer.IsTruncated),
    hiddenCount: contents.length - visible.length,
  };
}

/** Deletes every object under a folder prefix, a page of 1000 keys at a time; returns how many were deleted. */
async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let count = 0;
  for (;;) {
    // Always the first page: the previous batch is gone, so no continuation token is needed (or valid).
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: DELETE_BATCH }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
    if (!keys.length) return count;
    const answer = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
    );
    if (answer.Errors?.length) throw Object.assign(new Error('delete failed'), { name: answer.Errors[0]!.Code });
    count += keys.length;
  }
}

/** Browsing a location: list with folders and cursor pagination, exact-key delete, create folder. */
export const objectRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const listSchema = {
    tags,
    querystring: ListObjectsQuery,
    response: { 200: ObjectPageSchema, ...errorResponses, ...storageErrorResponses },
  };

  app.get(
    '/api/objects/:bucketName',
    { schema: { ...listSchema, summary: 'Objects and folders at the top of a bucket', params: BucketParams } },
    async (request) => {
      assertBucketName(request.params.bucketName);
      return withLocation(locations, request, PERMISSIONS.objectsRead, request.query.location, (client) =>
        listPage(client, request.params.bucketName, '', request.query),
      );
    },
  );

  app.get(
    '/api/objects/:bucketName/*',
    {
      schema: {
        ...listSchema,
        summary: 'Objects and folders under a prefix (`:encodedPrefix`)',
        params: BucketKeyParams,
      },
    },
    async (request) => {
      assertBucketName(request.params.bucketName);
      const prefix = decodePrefix(request.params['*']);
      return withLocation(locations, request, PERMISSIONS.objectsRead, request.query.location, (client) =>
        listPage(client, request.params.bucketName, prefix, request.query),
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
        response: { 200: DeleteResult, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const key = decodeKey(request.params['*']);
      const result = await withLocation(
        locations,
        request,
        PERMISSIONS.objectsDelete,
        request.query.location,
        async (client, location) => {
          if (key.endsWith('/')) {
            return { locationId: location.id, count: await deletePrefix(client, bucket, key) };
          }
          // The exact key only: upstream deleted by prefix, so deleting `a.txt` also removed `a.txt.bak` (spec M6).
          await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
          return { locationId: location.id, count: 1 };
        },
      );
      await kernel.audit.record(auditContextOf(request), {
        action: key.endsWith('/') ? 'odh-tec.folder.delete' : 'odh-tec.object.delete',
        targetType: 'odh-tec.object',
        targetId: `${result.locationId}/${bucket}/${key}`,
        before: { count: result.count },
      });
      return { deleted: true, count: result.count };
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
