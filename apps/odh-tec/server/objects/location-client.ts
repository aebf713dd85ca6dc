import type { S3Client } from '@aws-sdk/client-s3';
import type { FastifyRequest } from 'fastify';
import type { LocationService, OpenLocation } from '../locations/location.service.ts';
import { storageError } from '../storage/storage-errors.ts';

/**
 * Runs storage work through the location named by `?location=` (or the default location), after authorizing the
 * request on it; S3 failures become the spec's storage errors, and the location is always released.
 */
export async function withLocation<T>(
  locations: LocationService,
  request: FastifyRequest,
  permission: string,
  locationId: string | undefined,
  work: (client: S3Client, location: OpenLocation) => Promise<T>,
): Promise<T> {
  const location = await locations.open(request, permission, locationId);
  try {
    return await work(location.client, location);
  } catch (error) {
    throw storageError(error);
  } finally {
    location.release();
  }
}
