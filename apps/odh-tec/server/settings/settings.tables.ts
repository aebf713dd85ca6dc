import { integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { odhTecSchema } from '../odh-tec.schema.ts';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** Global settings, one row per key (migration 0002). */
export const settingsTable = odhTecSchema.table('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: uuid('updated_by'),
  ...timestamps,
});

/** Write-only secrets such as `hf_token`, Fernet-encrypted. */
export const secretsTable = odhTecSchema.table('secrets', {
  name: text('name').primaryKey(),
  valueEnc: text('value_enc').notNull(),
  hint: text('hint').notNull().default(''),
  updatedBy: uuid('updated_by'),
  ...timestamps,
});
export type SecretRow = typeof secretsTable.$inferSelect;

export const disclaimerAcceptances = odhTecSchema.table('disclaimer_acceptances', {
  userId: uuid('user_id').primaryKey(),
  status: text('status').$type<'accepted'>().notNull(),
  textVersion: integer('text_version').notNull(),
  acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
  ...timestamps,
});

export const bucketBookmarks = odhTecSchema.table(
  'bucket_bookmarks',
  {
    userId: uuid('user_id').notNull(),
    locationId: text('location_id').notNull(),
    bucket: text('bucket').notNull(),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.userId, table.locationId, table.bucket] })],
);
