import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { FastifyRequest } from 'fastify';
import type { ConnectionService } from '../connections/connection.service.ts';
import type { S3ConnectionRow } from '../odh-tec.schema.ts';
import { storageError } from '../storage/storage-errors.ts';

const locationNotFound = () => new AppError(404, 'location_not_found', 'location not found');

/**
 * Runs storage work through the connection named by `?location=`, after authorizing the request on it; S3 failures
 * become the spec's storage errors, and the per-request client is always released.
 */
export async function withLocation<T>(
  connections: ConnectionService,
  request: FastifyRequest,
  permission: string,
  locationId: string | undefined,
  work: (client: S3Client, connection: S3ConnectionRow) => Promise<T>,
): Promise<T> {
  // Built-in locations (env `default`, `embedded`, local folders) and the defaultLocationId setting are not part of
  // this app yet, so a location must be named.
  if (!locationId) throw locationNotFound();
  const connection = await connections.load(request, permission, locationId, locationNotFound);
  const client = connections.clientFor(connection);
  try {
    return await work(client, connection);
  } catch (error) {
    throw storageError(error);
  } finally {
    client.destroy();
  }
}
