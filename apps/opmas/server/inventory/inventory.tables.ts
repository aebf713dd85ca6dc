import { primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';

/** spec 02-opmas "Data model" `client_inventory` (migration 0005). */
export const clientInventory = opmasSchema.table(
  'client_inventory',
  {
    deviceId: uuid('device_id').notNull(),
    mac: text('mac').notNull(),
    ip: text('ip'),
    hostname: text('hostname'),
    iface: text('iface'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.deviceId, table.mac] })],
);
export type ClientRow = typeof clientInventory.$inferSelect;
