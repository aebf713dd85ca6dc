import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError, conflict } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import {
  createObjectStorageClient,
  type ObjectStoreEndpointInput,
  resolveEndpoint,
} from '@platform/kernel/storage/object-storage.ts';
import type { FastifyRequest } from 'fastify';
import type { S3ConnectionRow } from '../odh-tec.schema.ts';
import { addContentMd5ToDeleteObjects } from '../storage/content-md5.middleware.ts';
import { s3CodeOf } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { ConnectionRepository } from './connection.repository.ts';
import type {
  ConnectionTestResult,
  CreateConnection,
  TestConnectionBody,
  UpdateConnection,
} from './connection.schema.ts';

/** Secrets shorter than this show no characters at all in their mask. */
const MIN_SECRET_FOR_HINT = 12;
const secretHint = (secret: string): string => (secret.length >= MIN_SECRET_FOR_HINT ? secret.slice(-4) : '');
const isMasked = (value: string | undefined): boolean => value === undefined || value.startsWith('****');

type ConnectionSettings = Omit<TestConnectionBody, 'secretAccessKey' | 'name'>;

/** Endpoint settings of a connection as the kernel's S3 client factory takes them; bad values are a 400 here. */
const endpointOf = (
  settings: ConnectionSettings,
  secretAccessKey: string,
  overrides: Partial<ObjectStoreEndpointInput> = {},
) => {
  if (settings.defaultBucket) assertBucketName(settings.defaultBucket);
  return resolveEndpoint({
    endpoint: settings.endpoint,
    region: settings.region ?? 'us-east-1',
    accessKeyId: settings.accessKeyId,
    secretAccessKey,
    forcePathStyle: settings.forcePathStyle ?? true,
    checksumMode: settings.checksumMode ?? 'when_supported',
    caBundle: settings.caBundlePem ?? undefined,
    ...overrides,
  });
};

/** Named S3 connections: each belongs to the user who created it; the secret is write-only and encrypted at rest. */
export class ConnectionService {
  readonly repository: ConnectionRepository;
  readonly #kernel: Kernel;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.repository = new ConnectionRepository(kernel.db.orm);
  }

  /**
   * The one place a connection is looked up for a request: a missing id and another owner's id give the same 404
   * (`notFoundError`), so ids of other users' connections cannot be probed.
   */
  async load(
    request: FastifyRequest,
    permission: string,
    id: string,
    notFoundError: () => AppError,
  ): Promise<S3ConnectionRow> {
    const row = await this.repository.findById(id);
    if (!row) throw notFoundError();
    try {
      request.authorize(permission, { ownerId: row.createdBy });
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 404) throw notFoundError();
      throw error;
    }
    return row;
  }

  async create(ownerId: string, body: CreateConnection): Promise<S3ConnectionRow> {
    const endpoint = endpointOf(body, body.secretAccessKey);
    const row = await this.repository.create({
      id: body.id,
      name: body.name,
      endpoint: endpoint.endpoint!,
      region: endpoint.region,
      accessKeyId: body.accessKeyId,
      secretAccessKeyEnc: this.#kernel.secrets.encrypt(body.secretAccessKey),
      secretHint: secretHint(body.secretAccessKey),
      defaultBucket: body.defaultBucket ?? '',
      forcePathStyle: endpoint.forcePathStyle,
      checksumMode: endpoint.checksumMode,
      caBundlePem: body.caBundlePem ?? null,
      tlsVerify: body.tlsVerify ?? true,
      createdBy: ownerId,
    });
    if (!row) throw conflict(`a connection with id ${body.id} already exists`, 'connection_exists');
    return row;
  }

  /** A full replacement of the settings; the masked or omitted secret keeps the stored one (spec acceptance 15). */
  async update(row: S3ConnectionRow, body: UpdateConnection): Promise<S3ConnectionRow> {
    const keepSecret = isMasked(body.secretAccessKey);
    const secret = keepSecret ? this.decryptSecret(row) : body.secretAccessKey!;
    const endpoint = endpointOf(body, secret);
    const updated = await this.repository.update(row.createdBy, row.id, body.version, {
      name: body.name,
      endpoint: endpoint.endpoint!,
      region: endpoint.region,
      accessKeyId: body.accessKeyId,
      ...(keepSecret
        ? {}
        : { secretAccessKeyEnc: this.#kernel.secrets.encrypt(secret), secretHint: secretHint(secret) }),
      defaultBucket: body.defaultBucket ?? '',
      forcePathStyle: endpoint.forcePathStyle,
      checksumMode: endpoint.checksumMode,
      caBundlePem: body.caBundlePem ?? null,
      tlsVerify: body.tlsVerify ?? true,
    });
    if (!updated) {
      throw conflict('the connection was changed by someone else; reload and try again', 'version_conflict');
    }
    return updated;
  }

  decryptSecret(row: S3ConnectionRow): string {
    return this.#kernel.secrets.decrypt(row.secretAccessKeyEnc).toString('utf8');
  }

  /** A client for one request; the caller destroys it. */
  clientFor(row: S3ConnectionRow): S3Client {
    const client = createObjectStorageClient(endpointOf(row, this.decryptSecret(row)));
    addContentMd5ToDeleteObjects(client);
    return client;
  }

  /** Tests a saved connection. */
  testSaved(row: S3ConnectionRow): Promise<ConnectionTestResult> {
    return this.#test(row, this.decryptSecret(row));
  }

  /** Tests settings before they are saved. */
  testUnsaved(body: TestConnectionBody): Promise<ConnectionTestResult> {
    return this.#test(body, body.secretAccessKey);
  }

  /** One ListBuckets with a single attempt: a test must report the first failure, not retry it away. */
  async #test(settings: ConnectionSettings, secret: string): Promise<ConnectionTestResult> {
    const client = createObjectStorageClient(
      endpointOf(settings, secret, { maxAttempts: 1, connectTimeoutMs: 5000, requestTimeoutMs: 15_000 }),
    );
    try {
      const answer = await client.send(new ListBucketsCommand({}));
      return { ok: true, message: `connected; ${answer.Buckets?.length ?? 0} bucket(s) visible`, listBuckets: true };
    } catch (error) {
      const code = s3CodeOf(error);
      // Credentials that may not list buckets are still valid credentials (spec 01-odh-tec M2).
      if (code === 'AccessDenied')
        return { ok: true, message: 'connected; listing buckets is denied', code, listBuckets: false };
      return { ok: false, message: `connection failed: ${code}`, code };
    } finally {
      client.destroy();
    }
  }
}
