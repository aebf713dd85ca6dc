import { bigint, boolean, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { DeviceFormat } from './ingest/syslog-parser.ts';

/** The app's own PostgreSQL schema (named after the app id); migrations live in ./migrations. */
export const opmasSchema = pgSchema('opmas');

export type ExecutionMode = 'observe' | 'dry_run' | 'execute';
export type DeviceStatus = 'online' | 'stale' | 'offline' | 'maintenance';

/** spec 02-opmas "Data model" `devices`. */
export const devices = opmasSchema.table('devices', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull(),
  identity: text('identity').notNull(),
  hostname: text('hostname'),
  ipAddress: text('ip_address'),
  lastSourceIp: text('last_source_ip'),
  deviceType: text('device_type'),
  model: text('model'),
  firmwareVersion: text('firmware_version'),
  timezone: text('timezone'),
  tags: text('tags').array().notNull().default([]),
  logPrefix: text('log_prefix'),
  format: text('format').$type<DeviceFormat>().notNull().default('auto'),
  maxMode: text('max_mode').$type<ExecutionMode>().notNull().default('execute'),
  bindSourceIp: boolean('bind_source_ip').notNull().default(false),
  status: text('status').$type<DeviceStatus>().notNull().default('online'),
  enabled: boolean('enabled').notNull().default(true),
  acknowledged: boolean('acknowledged').notNull().default(true),
  autoRegistered: boolean('auto_registered').notNull().default(false),
  firstSeen: timestamp('first_seen', { withTimezone: true }),
  lastSeen: timestamp('last_seen', { withTimezone: true }),
  msgCount: bigint('msg_count', { mode: 'number' }).notNull().default(0),
  sshHost: text('ssh_host'),
  sshPort: integer('ssh_port').notNull().default(22),
  sshUsername: text('ssh_username').notNull().default('root'),
  sshHostKeySha256: text('ssh_host_key_sha256'),
  telemetryUrl: text('telemetry_url'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type DeviceRow = typeof devices.$inferSelect;
export type NewDevice = typeof devices.$inferInsert;
