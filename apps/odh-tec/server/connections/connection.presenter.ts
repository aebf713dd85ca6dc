import type { S3ConnectionRow } from '../odh-tec.schema.ts';
import type { ConnectionView } from './connection.schema.ts';

/** What the API shows of a secret: a mask with its last four characters (spec 01-odh-tec M13). */
export const maskSecret = (hint: string): string => `****${hint}`;

export const presentConnection = (row: S3ConnectionRow): ConnectionView => ({
  id: row.id,
  name: row.name,
  endpoint: row.endpoint,
  region: row.region,
  accessKeyId: row.accessKeyId,
  secretAccessKey: maskSecret(row.secretHint),
  defaultBucket: row.defaultBucket,
  forcePathStyle: row.forcePathStyle,
  checksumMode: row.checksumMode,
  caBundlePem: row.caBundlePem,
  tlsVerify: row.tlsVerify,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The audit snapshot of a connection: its settings, never its secret or mask. */
export const auditedConnection = (row: S3ConnectionRow) => ({
  name: row.name,
  endpoint: row.endpoint,
  region: row.region,
  accessKeyId: row.accessKeyId,
  defaultBucket: row.defaultBucket,
  forcePathStyle: row.forcePathStyle,
  checksumMode: row.checksumMode,
  tlsVerify: row.tlsVerify,
  version: row.version,
});
