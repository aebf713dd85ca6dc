import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Mode = Type.Union([Type.Literal('observe'), Type.Literal('dry_run'), Type.Literal('execute')], {
  description: 'observe < dry_run < execute',
});
const Params = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
  description: 'template parameters (typed and validated by the template)',
});

/** An action (spec "Data model" `actions`). */
export const ActionView = Type.Object({
  id: Type.String({ description: 'action id' }),
  execution_id: Nullable(Type.String({ description: 'playbook execution' })),
  finding_id: Nullable(Type.String({ description: 'finding that led to it' })),
  device_id: Nullable(Type.String({ description: 'target device' })),
  device: Nullable(Type.String({ description: 'device slug' })),
  template_id: Type.String({ description: 'command template' }),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'parameters as substituted' }),
  rendered_command: Nullable(Type.String({ description: 'shell command line sent (or that would be sent)' })),
  mode: Mode,
  status: Type.String({ description: 'dry_run, pending_approval, queued, running, succeeded, failed, timed_out, …' }),
  requires_approval: Type.Boolean({ description: 'waits for an approval before running' }),
  approved_by: Nullable(Type.String({ description: 'user who approved' })),
  attempts: Type.Integer({ description: 'connection attempts' }),
  exit_code: Nullable(Type.Integer({ description: 'remote exit status' })),
  stdout: Nullable(Type.String({ description: 'captured output (capped)' })),
  stderr: Nullable(Type.String({ description: 'captured errors (capped)' })),
  truncated: Type.Boolean({ description: 'output hit the cap' }),
  error_code: Nullable(Type.String({ description: 'why it failed or was refused' })),
  error_message: Nullable(Type.String({ description: 'details' })),
  duration_ms: Nullable(Type.Integer({ description: 'run time' })),
  reason: Nullable(Type.String({ description: 'why it was requested' })),
  created_at: Type.String({ description: 'ISO 8601' }),
  completed_at: Nullable(Type.String({ description: 'ISO 8601' })),
});
export type ActionView = Static<typeof ActionView>;

export const ActionList = Type.Object({
  items: Type.Array(ActionView, { description: 'newest first' }),
  next_cursor: Nullable(Type.String({ description: 'pass as cursor for the next page' })),
});

export const ActionListQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 32, description: 'only this status' })),
  device_id: Type.Optional(Type.String({ format: 'uuid', description: 'only this device' })),
  finding_id: Type.Optional(Type.String({ format: 'uuid', description: 'only for this finding' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'page size (50)' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'next_cursor of the previous page' })),
});
export type ActionListQuery = Static<typeof ActionListQuery>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'id' }) });
export const SlugParams = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'id' }),
});

export const ManualAction = Type.Object({
  device_id: Type.String({ format: 'uuid', description: 'target device' }),
  template_id: Type.String({ maxLength: 64, description: 'command template' }),
  params: Type.Optional(Params),
  mode: Type.Optional(Mode),
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'why (audited)' }),
});
export type ManualAction = Static<typeof ManualAction>;

export const ActionChange = Type.Object({
  status: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('cancelled')], {
    description: 'approve or reject a pending action, or cancel one that has not started',
  }),
});

export const StepView = Type.Object({
  position: Type.Integer({ description: 'order' }),
  name: Type.String({ description: 'step name' }),
  kind: Type.String({ description: 'command, decision or notify' }),
  template_id: Nullable(Type.String({ description: 'command template' })),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'parameters or {{references}}' }),
  decision: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'decision spec' })),
  continue_on_error: Type.Boolean({ description: 'later steps run even if this one fails' }),
  requires_approval: Type.Boolean({ description: 'the action waits for an approval' }),
  cooldown_s: Type.Integer({ description: 'same command on the same device is suppressed this long' }),
});

export const PlaybookView = Type.Object({
  id: Type.String({ description: 'playbook id' }),
  name: Type.String({ description: 'title' }),
  description: Type.String({ description: 'what it does' }),
  domain: Nullable(Type.String({ description: 'agent domain' })),
  enabled: Type.Boolean({ description: 'profiles may start it' }),
  max_mode: Mode,
  builtin: Type.Boolean({ description: 'shipped with the app' }),
  last_executed: Nullable(Type.String({ description: 'ISO 8601' })),
  execution_count: Type.Integer({ description: 'executions so far' }),
  steps: Type.Array(StepView, { description: 'in order' }),
});

export const ProfileView = Type.Object({
  id: Type.String({ description: 'profile id' }),
  name: Type.String({ description: 'title' }),
  priority: Type.Integer({ description: 'lower runs first' }),
  enabled: Type.Boolean({ description: 'takes findings' }),
  filter: Type.Record(Type.String(), Type.Unknown(), {
    description: 'rules, domains, severity_min, device_tags, labels',
  }),
  playbook_id: Type.String({ description: 'playbook it starts' }),
  max_mode: Mode,
  rerun_on_repeat: Type.Boolean({ description: 'runs again for repeats of an open finding' }),
  on_match: Type.String({ description: 'stop or continue with lower priorities' }),
});

export const ExecutionView = Type.Object({
  id: Type.String({ description: 'execution id' }),
  playbook_id: Type.String({ description: 'playbook' }),
  profile_id: Nullable(Type.String({ description: 'profile that started it' })),
  finding_id: Nullable(Type.String({ description: 'finding' })),
  device: Nullable(Type.String({ description: 'device slug' })),
  mode: Mode,
  trigger: Type.String({ description: 'profile or manual' }),
  status: Type.String({ description: 'queued, running, succeeded, failed, cancelled, observed' }),
  results: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'one entry per step' }),
  started_at: Nullable(Type.String({ description: 'ISO 8601' })),
  completed_at: Nullable(Type.String({ description: 'ISO 8601' })),
});

export const ExecuteRequest = Type.Object({
  finding_id: Type.Optional(Type.String({ format: 'uuid', description: 'run for this finding' })),
  device_id: Type.Optional(Type.String({ format: 'uuid', description: 'or for this device' })),
  params: Type.Optional(Params),
  mode: Type.Optional(Mode),
});
export type ExecuteRequest = Static<typeof ExecuteRequest>;

export const DecisionView = Type.Object({
  id: Type.String({ description: 'decision id' }),
  type: Type.String({ description: 'block_ip, ban_sta or custom' }),
  scope: Type.String({ description: 'ip, mac, user or iface' }),
  value: Type.String({ description: 'blocked value' }),
  device: Nullable(Type.String({ description: 'device slug' })),
  finding_id: Nullable(Type.String({ description: 'finding' })),
  origin: Type.String({ description: 'profile or manual' }),
  simulated: Type.Boolean({ description: 'dry run: never applied, hidden from bouncers' }),
  status: Type.String({ description: 'active, expired or revoked' }),
  duration_s: Type.Integer({ description: 'length after escalation' }),
  created_at: Type.String({ description: 'ISO 8601' }),
  until: Type.String({ description: 'ISO 8601' }),
});
export type DecisionView = Static<typeof DecisionView>;

export const DecisionListQuery = Type.Object({
  active: Type.Optional(Type.Boolean({ description: 'only active decisions' })),
  scope: Type.Optional(Type.String({ maxLength: 16, description: 'only this scope' })),
  value: Type.Optional(Type.String({ maxLength: 64, description: 'only this value' })),
  device_id: Type.Optional(Type.String({ format: 'uuid', description: 'only this device' })),
});
export type DecisionListQuery = Static<typeof DecisionListQuery>;

export const DecisionStreamQuery = Type.Object({
  startup: Type.Optional(Type.Boolean({ description: 'all active decisions instead of the changes' })),
  device_id: Type.Optional(Type.String({ format: 'uuid', description: 'only this device' })),
});

export const SystemConfigView = Type.Object({
  mode: Mode,
});
