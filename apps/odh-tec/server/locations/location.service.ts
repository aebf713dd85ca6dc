import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { createObjectStorageClient } from '@platform/kernel/storage/object-storage.ts';
import type { FastifyRequest } from 'fastify';
import type { ConnectionService } from '../connections/connection.service.ts';
import { embeddedS3Of } from '../embedded/embedded-s3.ts';
import { localLocationViews } from '../local/local-roots.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { type SettingsService, settingsServiceOf } from '../settings/settings.service.ts';
import { addContentMd5ToDeleteObjects } from '../storage/content-md5.middleware.ts';
import type { LocationList, LocationView } from './location.schema.ts';

/** Ids of the built-in locations (spec 01-odh-tec M1). */
export const EMBEDDED_LOCATION = 'embedded';
export const ENV_LOCATION = 'default';

const locationNotFound = () => new AppError(404, 'location_not_found', 'location not found');

/** A location opened for one request: its S3 client, released by the caller when the work (or the stream) ends. */
export interface OpenLocation {
  id: string;
  defaultBucket: string;
  client: S3Client;
  release(): void;
}

/** The env connection `default`: an ODH "Data Connection" injected as AWS_* variables (spec "Configuration"). */
interface EnvConnection {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  checksumMode: 'when_supported' | 'when_required';
}

/** The env connection, or undefined when `AWS_S3_ENDPOINT` is unset. */
export function envConnectionOf(env: Record<string, string | undefined>): EnvConnection | undefined {
  const endpoint = env.AWS_S3_ENDPOINT?.trim();
  if (!endpoint) return undefined;
  return {
    endpoint,
    region: env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    bucket: env.AWS_S3_BUCKET?.trim() ?? '',
    checksumMode: env.AWS_S3_CHECKSUM_MODE?.trim() === 'when_required' ? 'when_required' : 'when_supported',
  };
}

const hostOf = (endpoint: string): string | undefined => {
  try {
    return new URL(endpoint).host;
  } catch {
    return undefined;
  }
};

/**
 * Resolves a location id to an S3 client: the user's DB connections, the env connection `default` (a DB connection
 * with that id overrides it) and the `embedded` store. Built-in locations are shared by every holder of the permission;
 * DB connections belong to their creator.
 */
export class LocationService {
  readonly connections: ConnectionService;
  readonly #kernel: Kernel;
  readonly #env: EnvConnection | undefined;
  readonly #settings: SettingsService;

  constructor(kernel: Kernel, connections: ConnectionService) {
    this.#kernel = kernel;
    this.connections = connections;
    this.#env = envConnectionOf(kernel.config.env);
    this.#settings = settingsServiceOf(kernel);
  }

  /**
   * The location used when a request names none: the `defaultLocationId` setting, else `default` when a Data
   * Connection is injected, else `embedded` (spec "Settings and secrets").
   */
  defaultLocationId(): string {
    return this.#settings.get().defaultLocationId ?? (this.#env ? ENV_LOCATION : EMBEDDED_LOCATION);
  }

  async open(request: FastifyRequest, permission: string, locationId: string | undefined): Promise<OpenLocation> {
    const id = locationId ?? this.defaultLocationId();
    if (id === EMBEDDED_LOCATION) {
      const embedded = embeddedS3Of(this.#kernel);
      if (!embedded) throw locationNotFound();
      request.authorize(permission);
      // One long-lived client for the in-process store: nothing to release.
      return { id, defaultBucket: embedded.bucket, client: embedded.client, release: () => {} };
    }
    if (id === ENV_LOCATION && this.#env && !(await this.connections.repository.findById(id))) {
      request.authorize(permission);
      const env = this.#env;
      const client = createObjectStorageClient({ ...env, forcePathStyle: true });
      addContentMd5ToDeleteObjects(client);
      return { id, defaultBucket: env.bucket, client, release: () => client.destroy() };
    }
    const row = await this.connections.load(request, permission, id, locationNotFound);
    const client = this.connections.clientFor(row);
    return { id, defaultBucket: row.defaultBucket, client, release: () => client.destroy() };
  }

  /**
   * Opens a location for background work on behalf of `ownerId`, authorized when the job was created: built-in
   * locations, or a DB connection that still belongs to that owner.
   */
  async openForOwner(ownerId: string, locationId: string): Promise<OpenLocation> {
    if (locationId === EMBEDDED_LOCATION) {
      const embedded = embeddedS3Of(this.#kernel);
      if (!embedded) throw locationNotFound();
      return { id: locationId, defaultBucket: embedded.bucket, client: embedded.client, release: () => {} };
    }
    const row = await this.connections.repository.findById(locationId);
    if (!row && locationId === ENV_LOCATION && this.#env) {
      const client = createObjectStorageClient({ ...this.#env, forcePathStyle: true });
      addContentMd5ToDeleteObjects(client);
      return { id: locationId, defaultBucket: this.#env.bucket, client, release: () => client.destroy() };
    }
    if (!row || row.createdBy !== ownerId) throw locationNotFound();
    const client = this.connections.clientFor(row);
    return { id: locationId, defaultBucket: row.defaultBucket, client, release: () => client.destroy() };
  }

  /** The locations the signed-in user can browse, built-in ones first. */
  async list(request: FastifyRequest): Promise<LocationList> {
    const principal = request.authorize(PERMISSIONS.objectsRead);
    const rows = await this.connections.repository.listForOwner(principal.userId);
    const locations: LocationView[] = [];
    const embedded = embeddedS3Of(this.#kernel);
    if (embedded) {
      locations.push({
        id: EMBEDDED_LOCATION,
        name: 'Embedded storage',
        type: 'embedded',
        source: 'builtin',
        available: true,
        readOnly: false,
        defaultBucket: embedded.bucket,
      });
    }
    // A DB connection `default` shadows the env one for everybody, exactly as `open` resolves it.
    if (this.#env && !(await this.connections.repository.findById(ENV_LOCATION))) {
      locations.push({
        id: ENV_LOCATION,
        name: 'Data connection',
        type: 's3',
        source: 'env',
        available: true,
        readOnly: false,
        defaultBucket: this.#env.bucket,
        ...optional('endpointHost', hostOf(this.#env.endpoint)),
      });
    }
    // Local folders of LOCAL_STORAGE_PATHS (spec M1): shared like the other built-in locations.
    locations.push(...(await localLocationViews(this.#kernel.config.env)));
    for (const row of rows) {
      locations.push({
        id: row.id,
        name: row.name,
        type: 's3',
        source: 'db',
        available: true,
        readOnly: false,
        defaultBucket: row.defaultBucket,
        ...optional('endpointHost', hostOf(row.endpoint)),
      });
    }
    return { defaultLocationId: this.defaultLocationId(), locations };
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
