import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Counts = (description: string) => Type.Record(Type.String(), Type.Number(), { description });

/** One component's health (spec 02-opmas "API": system health components). */
export const ComponentHealth = Type.Object({
  state: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('off')], {
    description: 'ok, degraded, down, or off when this process does not run it',
  }),
  detail: Type.String({ description: 'short reason' }),
});
export type ComponentHealth = Static<typeof ComponentHealth>;

export const SystemHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')], {
    description: 'worst state of the components that are not off',
  }),
  components: Type.Object({
    db: ComponentHealth,
    bus: ComponentHealth,
    ingest: Type.Object({ udp: ComponentHealth, tcp: ComponentHealth, tls: ComponentHealth }),
    agents: ComponentHealth,
    orchestrator: ComponentHealth,
    executor: ComponentHealth,
  }),
});
export type SystemHealth = Static<typeof SystemHealth>;

export const SystemStatus = Type.Object({
  version: Type.String({ description: 'OPMAS app version' }),
  started_at: Type.String({ description: 'process start, ISO 8601' }),
  uptime_s: Type.Number({ description: 'seconds since the process started' }),
  role: Type.String({ description: 'process role: all, api or worker' }),
  node: Type.String({ description: 'host:pid of this process' }),
  bus: Type.String({ description: 'nats or in-process' }),
  mode: Type.String({ description: 'effective system orchestrator mode' }),
  orchestrator_paused: Type.Boolean({ description: 'an operator paused new playbook executions' }),
  ingest: Type.Object({
    received: Type.Integer({ description: 'messages received by this process' }),
    accepted: Type.Integer({ description: 'messages accepted' }),
    dropped: Type.Integer({ description: 'messages dropped' }),
    parse_errors: Type.Integer({ description: 'accepted messages whose header did not parse' }),
    queue_depth: Type.Integer({ description: 'messages waiting in the ingest queue' }),
    queue_max: Type.Integer({ description: 'ingest queue capacity' }),
    paused: Type.Boolean({ description: 'an operator paused ingest in this process' }),
    backpressure: Type.Boolean({ description: 'queue above its high-water mark' }),
  }),
  agents: Type.Object({
    running: Type.Boolean({ description: 'an agent host runs in this process' }),
    rules: Type.Integer({ description: 'rules the agent host evaluates' }),
  }),
  leases: Nullable(
    Type.Array(Type.Integer(), { description: 'device partitions this node holds (NATS only; null otherwise)' }),
  ),
});
export type SystemStatus = Static<typeof SystemStatus>;

const Tally = Type.Object({
  total: Type.Number({ description: 'sum over all labels' }),
  by: Counts('sum per label value'),
});

export const MetricsSummary = Type.Object({
  ingest: Type.Object({
    messages: Type.Object({
      total: Type.Number({ description: 'opmas_ingest_messages_total' }),
      by: Counts('per result (accepted, dropped_queue, …)'),
    }),
    bytes: Type.Number({ description: 'opmas_ingest_bytes_total' }),
    queue_depth: Type.Number({ description: 'opmas_ingest_queue_depth' }),
  }),
  findings: Type.Object({ total: Type.Number({ description: 'opmas_findings_total' }), by: Counts('per severity') }),
  actions: Type.Object({ total: Type.Number({ description: 'opmas_actions_total' }), by: Counts('per status') }),
  executions: Type.Object({
    total: Type.Number({ description: 'opmas_playbook_executions_total' }),
    by: Counts('per status'),
  }),
  decisions_active: Type.Object({
    total: Type.Number({ description: 'opmas_decisions_active' }),
    by: Counts('per decision type'),
  }),
});
export type MetricsSummary = Static<typeof MetricsSummary>;
export type Tally = Static<typeof Tally>;

/** The operator controls of spec "API" `POST /system/control`. */
export const CONTROL_ACTIONS = [
  'pause_ingest',
  'resume_ingest',
  'reload_rules',
  'pause_orchestrator',
  'resume_orchestrator',
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

export const ControlRequest = Type.Object({
  action: Type.String({ maxLength: 64, description: CONTROL_ACTIONS.join(', ') }),
});
export type ControlRequest = Static<typeof ControlRequest>;

export const ControlResult = Type.Object({
  action: Type.String({ description: 'the control that ran' }),
  ingest_paused: Type.Boolean({ description: 'ingest paused in this process after the control' }),
  orchestrator_paused: Type.Boolean({ description: 'orchestrator paused after the control' }),
});
export type ControlResult = Static<typeof ControlResult>;

/** spec "Observability": UI label values are bounded, so a client cannot grow the metric's label set freely. */
const UI_LABEL = '^[a-z0-9_-]{1,40}$';

export const UiMetricsBody = Type.Object({
  page: Type.String({ pattern: UI_LABEL, description: 'page name (label of opmas_ui_page_load_seconds)' }),
  load_seconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600, description: 'page load time' })),
  errors: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.String({ pattern: UI_LABEL, description: 'error kind (label of opmas_ui_errors_total)' }),
      }),
      { maxItems: 50, description: 'client-side errors since the last report' },
    ),
  ),
});
export type UiMetricsBody = Static<typeof UiMetricsBody>;

export const Accepted = Type.Object({ accepted: Type.Boolean({ description: 'the sample was recorded' }) });

export const CONFIG_COMPONENTS = ['orchestrator', 'ingest', 'agents'] as const;
export type ConfigComponent = (typeof CONFIG_COMPONENTS)[number];

export const ComponentParams = Type.Object({
  component: Type.Union(
    CONFIG_COMPONENTS.map((name) => Type.Literal(name)),
    { description: 'orchestrator, ingest or agents' },
  ),
});

export const ConfigSetting = Type.Object({
  id: Nullable(Type.String({ description: 'history id of a runtime-editable setting; null for environment ones' })),
  key: Type.String({ description: 'setting name' }),
  value: Type.Unknown({ description: 'value in effect' }),
  source: Type.Union([Type.Literal('runtime'), Type.Literal('environment'), Type.Literal('process')], {
    description: 'runtime = saved by an operator; environment = env/default; process = this process only',
  }),
  updated_at: Nullable(Type.String({ description: 'last runtime change, ISO 8601' })),
  updated_by: Nullable(Type.String({ description: 'user of the last runtime change' })),
});
export type ConfigSetting = Static<typeof ConfigSetting>;

export const ActiveConfig = Type.Object({
  component: Type.String({ description: 'component name' }),
  settings: Type.Array(ConfigSetting, { description: 'settings in effect' }),
});
export type ActiveConfig = Static<typeof ActiveConfig>;

export const ConfigIdParams = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'setting id from the active config' }),
});

export const ConfigHistoryQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'how many changes (50)' })),
});

export const ConfigHistory = Type.Object({
  id: Type.String({ description: 'setting id' }),
  items: Type.Array(
    Type.Object({
      before: Type.Unknown({ description: 'value before the change (null when first saved)' }),
      after: Type.Unknown({ description: 'value after the change' }),
      changed_by: Nullable(Type.String({ description: 'user id' })),
      changed_at: Type.String({ description: 'ISO 8601' }),
    }),
    { description: 'newest first' },
  ),
});
export type ConfigHistory = Static<typeof ConfigHistory>;
