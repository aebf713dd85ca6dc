import { CreateBucketCommand, DeleteBucketCommand, ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { BookmarkRepository } from '../settings/settings.repository.ts';
import { type BookmarkedBucketList, BookmarkedBucketList as BucketListSchema } from '../settings/settings.schema.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { s3CodeOf } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { withLocation } from './location-client.ts';
import { BucketMessage, BucketParams, CreateBucketBody, LocationQuery } from './object.schema.ts';

const tags = ['odh-tec objects'];

/** `/api/buckets`: list with one ListBuckets and no HeadBucket per bucket; create and delete (spec 01-odh-tec M2). */
export const bucketRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const bookmarks = new BookmarkRepository(kernel.db.orm);

  /** Creates or deletes a bucket in the request's location and audits it under `<location>/<bucket>`. */
  const changeBucket = async (
    request: FastifyRequest,
    locationId: string | undefined,
    bucketName: string,
    action: string,
    send: (client: S3Client) => Promise<unknown>,
  ) => {
    assertBucketName(bucketName);
    const resolvedId = await withLocation(
      locations,
      request,
      PERMISSIONS.bucketsManage,
      locationId,
      async (client, location) => {
        await send(client);
        return location.id;
      },
    );
    await kernel.audit.record(auditContextOf(request), {
      action,
      targetType: 'odh-tec.bucket',
      targetId: `${resolvedId}/${bucketName}`,
    });
  };

  app.get(
    '/api/buckets',
    {
      schema: {
        tags,
        summary: 'Buckets of a location',
        querystring: LocationQuery,
        response: { 200: BucketListSchema, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) =>
      withLocation(
        locations,
        request,
        PERMISSIONS.objectsRead,
        request.query.location,
        async (client, location): Promise<BookmarkedBucketList> => {
          const bookmarked = new Set(await bookmarks.list(request.principal!.userId, location.id));
          const mark = (Name: string) => (bookmarked.has(Name) ? { bookmarked: true } : {});
          try {
            const answer = await client.send(new ListBucketsCommand({}));
            return {
              owner: answer.Owner ? { DisplayName: answer.Owner.DisplayName ?? '', ID: answer.Owner.ID ?? '' } : null,
              defaultBucket: location.defaultBucket,
              listDenied: false,
              buckets: (answer.Buckets ?? []).map((bucket) => ({
                Name: bucket.Name ?? '',
                ...(bucket.CreationDate ? { CreationDate: bucket.CreationDate.toISOString() } : {}),
                ...mark(bucket.Name ?? ''),
              })),
            };
          } catch (error) {
            // Credentials scoped to one bucket cannot list buckets; the default bucket and bookmarks still work (spec M2).
            if (s3CodeOf(error) !== 'AccessDenied') throw error;
            return {
              owner: null,
              defaultBucket: location.defaultBucket,
              listDenied: true,
              buckets: [...new Set([location.defaultBucket, ...bookmarked])]
                .filter(Boolean)
                .map((Name) => ({ Name, ...mark(Name) })),
            };
          }
        },
      ),
  );

  app.post(
    '/api/buckets',
    {
      schema: {
        tags,
        summary: 'Create a bucket',
        querystring: LocationQuery,
        body: CreateBucketBody,
        response: { 201: BucketMessage, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const { bucketName } = request.body;
      await changeBucket(request, request.query.location, bucketName, 'odh-tec.bucket.create', (client) =>
        client.send(new CreateBucketCommand({ Bucket: bucketName })),
      );
      return reply.status(201).send({ message: 'Bucket created successfully', bucket: { Name: bucketName } });
    },
  );

  app.delete(
    '/api/buckets/:bucketName',
    {
      schema: {
        tags,
        summary: 'Delete an empty bucket',
        params: BucketParams,
        querystring: LocationQuery,
        response: { 200: BucketMessage, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) => {
      const { bucketName } = request.params;
      await changeBucket(request, request.query.location, bucketName, 'odh-tec.bucket.delete', (client) =>
        client.send(new DeleteBucketCommand({ Bucket: bucketName })),
      );
      return { message: 'Bucket deleted successfully' };
    },
  );
};
