import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import type { LocationService } from '../locations/location.service.ts';
import { withLocation } from '../objects/location-client.ts';
import { BucketParams, LocationQuery } from '../objects/object.schema.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { BookmarkRepository } from './settings.repository.ts';

const tags = ['odh-tec objects'];

/** `/api/buckets/bookmarks/:bucketName`: a user's bucket names for locations that may not list buckets (spec M2). */
export const bookmarkRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  const bookmarks = new BookmarkRepository(kernel.db.orm);

  app.put(
    '/api/buckets/bookmarks/:bucketName',
    {
      schema: {
        tags,
        summary: 'Bookmark a bucket after checking that it can be listed',
        params: BucketParams,
        querystring: LocationQuery,
        response: { 204: Type.Null(), ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request, reply) => {
      const { bucketName } = request.params;
      assertBucketName(bucketName);
      // One ListObjectsV2 with MaxKeys 1: a bookmark the credentials cannot open would only fail later.
      const locationId = await withLocation(
        locations,
        request,
        PERMISSIONS.objectsRead,
        request.query.location,
        async (client, location) => {
          await client.send(new ListObjectsV2Command({ Bucket: bucketName, MaxKeys: 1 }));
          return location.id;
        },
      );
      await bookmarks.add(request.principal!.userId, locationId, bucketName);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/buckets/bookmarks/:bucketName',
    {
      schema: {
        tags,
        summary: 'Remove a bucket bookmark',
        params: BucketParams,
        querystring: LocationQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.authorize(PERMISSIONS.objectsRead);
      const locationId = request.query.location ?? locations.defaultLocationId();
      await bookmarks.remove(principal.userId, locationId, request.params.bucketName);
      return reply.status(204).send(null);
    },
  );
};
