import { bigint, boolean, integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';
import type { RuleDocument } from './rule-document.ts';

/** Where a rule came from: the shipped pack or an operator. */
export type RuleSource = 'builtin' | 'user';

/** spec 02-opmas "Data model" `rules` (migration 0003); `deleted` keeps a removed built-in from being seeded again. */
export const rules = opmasSchema.table('rules', {
  id: text('id').primaryKey(),
  domain: text('domain').notNull(),
  version: integer('version').notNull().default(1),
  enabled: boolean('enabled').notNull().default(true),
  type: text('type').notNull(),
  doc: jsonb('doc').$type<RuleDocument>().notNull(),
  source: text('source').$type<RuleSource>().notNull(),
  packVersion: integer('pack_version'),
  deleted: boolean('deleted').notNull().default(false),
  createdBy: text('created_by'),
  updatedBy: text('updated_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  lastTriggered: timestamp('last_triggered', { withTimezone: true }),
  triggerCount: bigint('trigger_count', { mode: 'number' }).notNull().default(0),
});

export type RuleRow = typeof rules.$inferSelect;

export const ruleVersions = opmasSchema.table(
  'rule_versions',
  {
    ruleId: text('rule_id').notNull(),
    version: integer('version').notNull(),
    doc: jsonb('doc').$type<RuleDocument>().notNull(),
    enabled: boolean('enabled').notNull(),
    changedBy: text('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.ruleId, table.version] })],
);

export type RuleVersionRow = typeof ruleVersions.$inferSelect;

export const ruleState = opmasSchema.table(
  'rule_state',
  {
    ruleId: text('rule_id').notNull(),
    deviceSlug: text('device_slug').notNull(),
    groupKey: text('group_key').notNull(),
    partition: integer('partition').notNull().default(0),
    ruleVersion: integer('rule_version').notNull(),
    state: jsonb('state').$type<unknown>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.ruleId, table.deviceSlug, table.groupKey] })],
);

export type RuleStateRow = typeof ruleState.$inferSelect;

export const ruleSuppressions = opmasSchema.table('rule_suppressions', {
  id: uuid('id').primaryKey().defaultRandom(),
  ruleId: text('rule_id').notNull(),
  device: text('device').notNull(),
  groupKey: text('group_key').notNull(),
  until: timestamp('until', { withTimezone: true }).notNull(),
  findingId: uuid('finding_id'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
