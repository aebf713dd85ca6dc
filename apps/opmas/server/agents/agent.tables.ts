import { bigint, integer, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { opmasSchema } from '../opmas.schema.ts';

/** spec 02-opmas "Data model" `agent_nodes` (migration 0006): one row per worker process, heartbeat every renewal. */
export const agentNodes = opmasSchema.table('agent_nodes', {
  nodeId: text('node_id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  lastHeartbeat: timestamp('last_heartbeat', { withTimezone: true }).notNull(),
});

/** spec 02-opmas "Data model" `agent_leases`: which node holds a window-stage partition, until when. */
export const agentLeases = opmasSchema.table(
  'agent_leases',
  {
    domain: text('domain').notNull(),
    partition: integer('partition').notNull(),
    nodeId: text('node_id').notNull(),
    /** Bumped whenever the partition changes hands. */
    epoch: bigint('epoch', { mode: 'number' }).notNull().default(1),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.domain, table.partition] })],
);
export type AgentLeaseRow = typeof agentLeases.$inferSelect;

/** The ingest journal's checkpointed cursor per consumer (migration 0006). */
export const journalCursor = opmasSchema.table('journal_cursor', {
  consumer: text('consumer').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
