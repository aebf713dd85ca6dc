import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { MultiFernet } from '@platform/kernel/crypto/multi-fernet.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { createObjectStorageClient } from '@platform/kernel/storage/object-storage.ts';
import { type RunningS3Server, startS3Server } from '@platform/s3-server';
import { addContentMd5ToDeleteObjects } from '../storage/content-md5.middleware.ts';
import { assertBucketName } from '../storage/storage-names.ts';

/** The bucket created in `embedded` on first start (spec 01-odh-tec "Configuration", `EMBEDDED_S3_BUCKET`). */
export const DEFAULT_EMBEDDED_BUCKET = 'models';

export interface EmbeddedS3Options {
  /** The platform's DATA_DIR; the store lives in `<dataDir>/odh-tec/s3`. */
  dataDir: string;
  /** Encrypts the generated credentials at rest. */
  secrets: MultiFernet;
  bucket?: string;
  /** Tests turn fsync off for speed; the default keeps every write durable. */
  fsync?: boolean;
}

/** The running embedded S3 server and one long-lived client for it (the `embedded` location). */
export interface EmbeddedS3 {
  url: string;
  bucket: string;
  client: S3Client;
  server: RunningS3Server;
  stop(): Promise<void>;
}

interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Credentials are generated on first start and kept Fernet-encrypted beside the store, so that a restart finds its
 * objects under the same keys and DATA_DIR never holds the secret in clear.
 */
function loadOrCreateCredentials(dir: string, secrets: MultiFernet): Credential {
  const file = join(dir, 'credentials.fernet');
  if (!existsSync(file)) {
    const generated: Credential = {
      accessKeyId: `ODHTEC${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
    };
    writeFileSync(file, `${secrets.encrypt(JSON.stringify(generated))}\n`, { mode: 0o600, flag: 'wx' });
  }
  const token = readFileSync(file, 'utf8').trim();
  return JSON.parse(secrets.decrypt(token).toString('utf8')) as Credential;
}

/** Starts the embedded S3-compatible server in-process on loopback, with the models bucket created when missing. */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const dir = join(options.dataDir, 'odh-tec', 's3');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const credential = loadOrCreateCredentials(dir, options.secrets);
  const bucket = options.bucket || DEFAULT_EMBEDDED_BUCKET;
  const server = await startS3Server({
    dir: join(dir, 'store'),
    // Loopback only: the store is reached through the app, never directly from the network.
    host: '127.0.0.1',
    port: 0,
    fsync: options.fsync ?? true,
    credentials: [credential],
    buckets: [bucket],
  });
  // The store runs in this process on loopback: hashing every body for SigV4 and again for CRC32 would only double the
  // CPU work of each upload on the same thread; objects carry the app's own SHA-256 and the store's MD5 ETag.
  const client = createObjectStorageClient({
    endpoint: server.url,
    ...credential,
    unsignedPayload: true,
    checksumMode: 'when_required',
  });
  addContentMd5ToDeleteObjects(client);
  return {
    url: server.url,
    bucket,
    client,
    server,
    async stop() {
      client.destroy();
      await server.close();
    },
  };
}

/**
 * Whether this process runs the embedded server: `ODH_TEC_EMBEDDED_S3=true|false`, by default only in embedded mode
 * (no DATABASE_URL), because separate replicas cannot share an in-process store.
 */
export function embeddedS3Enabled(env: Record<string, string | undefined>, externalDatabase: boolean): boolean {
  const setting = (env.ODH_TEC_EMBEDDED_S3 ?? 'auto').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(setting)) return true;
  if (['0', 'false', 'no', 'off'].includes(setting)) return false;
  return !externalDatabase;
}

/** The embedded server of each kernel, found by the routes at request time (it starts after they are registered). */
const runningByKernel = new WeakMap<Kernel, EmbeddedS3>();

export const embeddedS3Of = (kernel: Kernel): EmbeddedS3 | undefined => runningByKernel.get(kernel);

/** The app's start hook: runs the embedded server when enabled; the returned function stops it. */
export async function startEmbeddedS3ForKernel(kernel: Kernel): Promise<(() => Promise<void>) | undefined> {
  const { config } = kernel;
  if (!embeddedS3Enabled(config.env, Boolean(config.databaseUrl))) return undefined;
  const bucket = config.env.EMBEDDED_S3_BUCKET?.trim() || DEFAULT_EMBEDDED_BUCKET;
  assertBucketName(bucket);
  const embedded = await startEmbeddedS3({ dataDir: config.dataDir, secrets: kernel.secrets, bucket });
  runningByKernel.set(kernel, embedded);
  kernel.logger.info({ url: embedded.url, bucket }, 'odh-tec embedded S3 server started');
  return async () => {
    runningByKernel.delete(kernel);
    await embedded.stop();
  };
}
