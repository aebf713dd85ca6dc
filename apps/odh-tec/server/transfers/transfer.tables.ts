import { bigint, bigserial, boolean, integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { odhTecSchema } from '../odh-tec.schema.ts';

export type TransferKind = 'upload' | 'copy' | 'hf_import' | 'delete_prefix';
export type TransferStatus = 'queued' | 'active' | 'cancelling' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type FileStatus = 'queued' | 'transferring' | 'completed' | 'skipped' | 'error' | 'cancelled';

/** One end of a transfer: an S3 location (`path` = `<bucket>/<prefix>`) or a local root (`path` relative to it). */
export type Endpoint = { type: 's3' | 'local'; locationId: string; path: string };

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const transfers = odhTecSchema.table('transfers', {
  id: uuid('id').primaryKey(),
  ownerId: uuid('owner_id').notNull(),
  jobId: uuid('job_id'),
  kind: text('kind').$type<TransferKind>().notNull(),
  status: text('status').$type<TransferStatus>().notNull().default('queued'),
  source: jsonb('source').$type<Record<string, unknown>>().notNull().default({}),
  destination: jsonb('destination').$type<Endpoint>().notNull(),
  options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
  resolvedRevision: text('resolved_revision'),
  secretEnc: text('secret_enc'),
  totalFiles: integer('total_files').notNull().default(0),
  completedFiles: integer('completed_files').notNull().default(0),
  failedFiles: integer('failed_files').notNull().default(0),
  skippedFiles: integer('skipped_files').notNull().default(0),
  totalBytes: bigint('total_bytes', { mode: 'number' }).notNull().default(0),
  loadedBytes: bigint('loaded_bytes', { mode: 'number' }).notNull().default(0),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  ...timestamps,
});

export const transferFiles = odhTecSchema.table(
  'transfer_files',
  {
    transferId: uuid('transfer_id').notNull(),
    idx: integer('idx').notNull(),
    sourcePath: text('source_path').notNull(),
    destPath: text('dest_path').notNull(),
    size: bigint('size', { mode: 'number' }),
    loaded: bigint('loaded', { mode: 'number' }).notNull().default(0),
    status: text('status').$type<FileStatus>().notNull().default('queued'),
    expectedSha256: text('expected_sha256'),
    actualSha256: text('actual_sha256'),
    gitOid: text('git_oid'),
    etag: text('etag'),
    destWritten: boolean('dest_written').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.transferId, table.idx] })],
);

export const transferEvents = odhTecSchema.table('transfer_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  transferId: uuid('transfer_id').notNull(),
  type: text('type').$type<'file' | 'done' | 'error'>().notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type TransferRow = typeof transfers.$inferSelect;
export type TransferFileRow = typeof transferFiles.$inferSelect;
export type TransferEventRow = typeof transferEvents.$inferSelect;
