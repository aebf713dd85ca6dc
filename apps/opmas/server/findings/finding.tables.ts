import { bigint, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';
import type { FindingSeverity } from '../rules/rule-document.ts';
import type { EvidenceLine } from '../rules/window-state.ts';

/** spec 02-opmas "Finding states". */
export type FindingStatus = 'new' | 'investigating' | 'resolved' | 'false_positive' | 'closed';

/** spec 02-opmas "Data model" `findings` (migration 0002); `seq` is the list cursor. */
export const findings = opmasSchema.table('findings', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  ruleId: text('rule_id').notNull(),
  domain: text('domain').notNull(),
  severity: text('severity').$type<FindingSeverity>().notNull(),
  status: text('status').$type<FindingStatus>().notNull().default('new'),
  title: text('title').notNull(),
  device: text('device').notNull(),
  deviceId: uuid('device_id'),
  groupKey: text('group_key').notNull(),
  fields: jsonb('fields').$type<Record<string, string>>().notNull().default({}),
  eventCount: integer('event_count').notNull().default(0),
  occurrences: integer('occurrences').notNull().default(1),
  firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
  lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  evidence: jsonb('evidence').$type<EvidenceLine[]>().notNull().default([]),
  labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
  updateSeq: integer('update_seq').notNull().default(0),
  source: text('source').$type<'rule' | 'manual'>().notNull().default('rule'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});

/** Finding events already applied (idempotency of replays and redeliveries). */
export const findingEvents = opmasSchema.table('finding_events', {
  eventId: uuid('event_id').primaryKey(),
  findingId: uuid('finding_id').notNull(),
  kind: text('kind').$type<'fired' | 'updated'>().notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Status timeline of a finding. */
export const findingHistory = opmasSchema.table('finding_history', {
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
  findingId: uuid('finding_id').notNull(),
  fromStatus: text('from_status').$type<FindingStatus>().notNull(),
  toStatus: text('to_status').$type<FindingStatus>().notNull(),
  changedBy: text('changed_by'),
  note: text('note'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

export type FindingRow = typeof findings.$inferSelect;
