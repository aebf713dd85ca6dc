import { boolean, integer, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The app's own PostgreSQL schema (named after the app id); migrations live in ./migrations. */
export const odhTecSchema = pgSchema('odh-tec');

export const s3Connections = odhTecSchema.table('s3_connections', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  endpoint: text('endpoint').notNull(),
  region: text('region').notNull().default('us-east-1'),
  accessKeyId: text('access_key_id').notNull(),
  secretAccessKeyEnc: text('secret_access_key_enc').notNull(),
  secretHint: text('secret_hint').notNull(),
  defaultBucket: text('default_bucket').notNull().default(''),
  forcePathStyle: boolean('force_path_style').notNull().default(true),
  checksumMode: text('checksum_mode').$type<'when_supported' | 'when_required'>().notNull().default('when_supported'),
  caBundlePem: text('ca_bundle_pem'),
  tlsVerify: boolean('tls_verify').notNull().default(true),
  createdBy: uuid('created_by').notNull(),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type S3ConnectionRow = typeof s3Connections.$inferSelect;
