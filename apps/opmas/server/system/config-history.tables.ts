import { bigint, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';

/** spec 02-opmas "Data model" `system_config_history` (migration 0008): one row per change of one runtime setting. */
export const systemConfigHistory = opmasSchema.table('system_config_history', {
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
  key: text('key').notNull(),
  before: jsonb('before').$type<unknown>(),
  after: jsonb('after').$type<unknown>().notNull(),
  changedBy: text('changed_by'),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});
export type ConfigHistoryRow = typeof systemConfigHistory.$inferSelect;
