import { bigint, boolean, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { type ExecutionMode, opmasSchema } from '../opmas.schema.ts';

/** `{{path}}` references or literals, resolved against the finding and device when a step runs. */
export type StepParams = Record<string, string | number>;

/** A decision step (spec "Step kinds"): what to block, for how long, and the templates that apply and revert it. */
export interface DecisionSpec {
  type: 'block_ip' | 'ban_sta' | 'custom';
  scope: 'ip' | 'mac' | 'user' | 'iface';
  value: string;
  duration: string;
  apply?: { ipv4?: string; ipv6?: string; any?: string };
  revert?: { ipv4?: string; ipv6?: string; any?: string };
  params?: StepParams;
}

/** Which findings a profile takes (spec "Findings and orchestrator": rule globs, domains, severity_min, tags, labels). */
export interface ProfileFilter {
  rules?: string[];
  domains?: string[];
  severity_min?: 'info' | 'warning' | 'high' | 'critical';
  device_tags?: string[];
  labels?: Record<string, string>;
}

export const playbooks = opmasSchema.table('playbooks', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  domain: text('domain'),
  enabled: boolean('enabled').notNull().default(true),
  maxMode: text('max_mode').$type<ExecutionMode>().notNull().default('execute'),
  builtin: boolean('builtin').notNull().default(false),
  lastExecuted: timestamp('last_executed', { withTimezone: true }),
  executionCount: integer('execution_count').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type PlaybookRow = typeof playbooks.$inferSelect;

export const playbookSteps = opmasSchema.table('playbook_steps', {
  id: uuid('id').primaryKey().defaultRandom(),
  playbookId: text('playbook_id').notNull(),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  kind: text('kind').$type<'command' | 'decision' | 'notify'>().notNull(),
  templateId: text('template_id'),
  params: jsonb('params').$type<StepParams>().notNull().default({}),
  decision: jsonb('decision').$type<DecisionSpec | null>(),
  timeoutS: integer('timeout_s'),
  continueOnError: boolean('continue_on_error').notNull().default(false),
  requiresApproval: boolean('requires_approval').notNull().default(false),
  cooldownS: integer('cooldown_s').notNull().default(300),
});
export type PlaybookStepRow = typeof playbookSteps.$inferSelect;

export const profiles = opmasSchema.table('profiles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  priority: integer('priority').notNull().default(100),
  enabled: boolean('enabled').notNull().default(true),
  filter: jsonb('filter').$type<ProfileFilter>().notNull().default({}),
  playbookId: text('playbook_id').notNull(),
  maxMode: text('max_mode').$type<ExecutionMode>().notNull().default('execute'),
  rerunOnRepeat: boolean('rerun_on_repeat').notNull().default(false),
  onMatch: text('on_match').$type<'stop' | 'continue'>().notNull().default('stop'),
  builtin: boolean('builtin').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type ProfileRow = typeof profiles.$inferSelect;

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'observed';

/** What one step did (the execution's `results`). */
export interface StepResult {
  step: number;
  name: string;
  kind: string;
  status: string;
  action_id?: string;
  decision_id?: string;
  command?: string;
  error_code?: string;
  error_message?: string;
}

export const playbookExecutions = opmasSchema.table('playbook_executions', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  playbookId: text('playbook_id').notNull(),
  profileId: text('profile_id'),
  findingId: uuid('finding_id'),
  occurrence: integer('occurrence'),
  deviceId: uuid('device_id'),
  device: text('device'),
  mode: text('mode').$type<ExecutionMode>().notNull(),
  trigger: text('trigger').$type<'profile' | 'manual'>().notNull(),
  status: text('status').$type<ExecutionStatus>().notNull().default('queued'),
  params: jsonb('params').$type<StepParams>().notNull().default({}),
  startedAt: timestamp('started_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  results: jsonb('results').$type<StepResult[]>().notNull().default([]),
  errorMessage: text('error_message'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type ExecutionRow = typeof playbookExecutions.$inferSelect;

export type ActionStatus =
  | 'dry_run'
  | 'pending_approval'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'rejected'
  | 'cancelled'
  | 'suppressed';

export const actions = opmasSchema.table('actions', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  executionId: uuid('execution_id'),
  stepId: uuid('step_id'),
  findingId: uuid('finding_id'),
  deviceId: uuid('device_id'),
  device: text('device'),
  templateId: text('template_id').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  renderedCommand: text('rendered_command'),
  mode: text('mode').$type<ExecutionMode>().notNull(),
  status: text('status').$type<ActionStatus>().notNull(),
  requiresApproval: boolean('requires_approval').notNull().default(false),
  approvedBy: text('approved_by'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(3),
  exitCode: integer('exit_code'),
  stdout: text('stdout'),
  stderr: text('stderr'),
  truncated: boolean('truncated').notNull().default(false),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  durationMs: integer('duration_ms'),
  reason: text('reason'),
  idempotencyKey: text('idempotency_key'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});
export type ActionRow = typeof actions.$inferSelect;

export const decisions = opmasSchema.table('decisions', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  type: text('type').notNull(),
  scope: text('scope').$type<DecisionSpec['scope']>().notNull(),
  value: text('value').notNull(),
  deviceId: uuid('device_id'),
  device: text('device'),
  findingId: uuid('finding_id'),
  profileId: text('profile_id'),
  executionId: uuid('execution_id'),
  origin: text('origin').$type<'profile' | 'manual'>().notNull(),
  simulated: boolean('simulated').notNull().default(false),
  status: text('status').$type<'active' | 'expired' | 'revoked'>().notNull().default('active'),
  durationS: integer('duration_s').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  until: timestamp('until', { withTimezone: true }).notNull(),
  revokedBy: text('revoked_by'),
  applyActionId: uuid('apply_action_id'),
  revertActionId: uuid('revert_action_id'),
  revert: jsonb('revert').$type<{ templateId: string; params: Record<string, unknown> } | null>(),
});
export type DecisionRow = typeof decisions.$inferSelect;

export const decisionChanges = opmasSchema.table('decision_changes', {
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
  decisionId: uuid('decision_id').notNull(),
  kind: text('kind').$type<'new' | 'deleted'>().notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

export const bouncerCursors = opmasSchema.table('bouncer_cursors', {
  tokenId: text('token_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const systemConfig = opmasSchema.table('system_config', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const deviceCredentials = opmasSchema.table('device_credentials', {
  id: uuid('id').primaryKey().defaultRandom(),
  deviceId: uuid('device_id').notNull(),
  kind: text('kind').$type<'private_key' | 'password'>().notNull(),
  secretEnc: text('secret_enc').notNull(),
  fingerprint: text('fingerprint'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
