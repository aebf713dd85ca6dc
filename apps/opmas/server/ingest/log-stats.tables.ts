import { bigint, integer, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';

/** spec 02-opmas "Data model" `log_stats` (migration 0007): messages per device, arrival minute, domain and severity. */
export const logStats = opmasSchema.table(
  'log_stats',
  {
    deviceId: uuid('device_id').notNull(),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    domain: text('domain').notNull(),
    severity: integer('severity').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
    parseErrors: bigint('parse_errors', { mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.deviceId, table.minute, table.domain, table.severity] })],
);

export type LogStatsRow = typeof logStats.$inferSelect;
