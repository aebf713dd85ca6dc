import { bigserial, boolean, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The kernel's own PostgreSQL schema; migrations live in packages/kernel/migrations. */
export const kernelSchema = pgSchema('kernel');

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
};

export const users = kernelSchema.table('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  email: text('email').unique(),
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  roles: text('roles').array().notNull().default([]),
  ...timestamps,
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
});

export const identities = kernelSchema.table(
  'identities',
  {
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id').notNull(),
    email: text('email'),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.provider, table.subject] })],
);

export const sessions = kernelSchema.table('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  ...timestamps,
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  ip: text('ip'),
  userAgent: text('user_agent'),
});

export const oneTimeLogins = kernelSchema.table('one_time_logins', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  ...timestamps,
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

export const apiTokens = kernelSchema.table('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  scopes: text('scopes').array().notNull().default([]),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  ...timestamps,
});

export const roles = kernelSchema.table('roles', {
  name: text('name').primaryKey(),
  description: text('description').notNull().default(''),
  permissions: text('permissions').array().notNull().default([]),
  builtIn: boolean('built_in').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const permissions = kernelSchema.table('permissions', {
  permission: text('permission').primaryKey(),
  app: text('app').notNull(),
  description: text('description').notNull().default(''),
  ...timestamps,
});

export const auditLog = kernelSchema.table('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  requestId: text('request_id'),
  ip: text('ip'),
});

export const jobs = kernelSchema.table('jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  queue: text('queue').notNull(),
  title: text('title'),
  payload: jsonb('payload').notNull().default({}),
  status: text('status').notNull().default('queued'),
  priority: integer('priority').notNull().default(0),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(5),
  runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
  leaseOwner: text('lease_owner'),
  leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
  idempotencyKey: text('idempotency_key'),
  ownerId: uuid('owner_id'),
  progress: jsonb('progress'),
  result: jsonb('result'),
  error: text('error'),
  cancelRequested: boolean('cancel_requested').notNull().default(false),
  ...timestamps,
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const jobEvents = kernelSchema.table('job_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  jobId: uuid('job_id').notNull(),
  type: text('type').notNull(),
  data: jsonb('data').notNull().default({}),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

export const schedules = kernelSchema.table('schedules', {
  name: text('name').primaryKey(),
  cron: text('cron').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  queue: text('queue').notNull(),
  payload: jsonb('payload').notNull().default({}),
  enabled: boolean('enabled').notNull().default(true),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }),
});

export const outbox = kernelSchema.table('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  subject: text('subject').notNull(),
  payload: jsonb('payload').notNull(),
  headers: jsonb('headers'),
  ...timestamps,
  publishedAt: timestamp('published_at', { withTimezone: true }),
});
