import { type Static, Type } from 'typebox';
import { DeviceView } from './device.schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description });

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/** `GET /api/v1/devices/{id}/status` (spec 02-opmas "API"). */
export const DeviceStatusView = Type.Object({
  device_id: Type.String({ description: 'device id' }),
  status: Type.String({ description: 'online, stale, offline or maintenance' }),
  last_seen: Nullable(Type.String(), 'arrival of the last message, ISO 8601 (flushed every 10 s)'),
  msgs_5m: Type.Integer({ description: 'messages in the arrival minutes that started in the last 5 minutes' }),
  open_findings: Type.Integer({ description: 'findings in status new or investigating' }),
});
export type DeviceStatusView = Static<typeof DeviceStatusView>;

/** `POST /api/v1/devices/{id}/status`: maintenance makes every playbook on the device only observe. */
export const SetDeviceStatus = Type.Object(
  {
    status: Type.Union([Type.Literal('maintenance'), Type.Literal('active')], {
      description: '`maintenance` (effective mode observe) or `active` (leave maintenance)',
    }),
  },
  { additionalProperties: false },
);
export type SetDeviceStatus = Static<typeof SetDeviceStatus>;

const SeverityCounts = Type.Object(
  {
    emerg: Type.Integer({ description: 'severity 0' }),
    alert: Type.Integer({ description: 'severity 1' }),
    crit: Type.Integer({ description: 'severity 2' }),
    err: Type.Integer({ description: 'severity 3' }),
    warn: Type.Integer({ description: 'severity 4' }),
    notice: Type.Integer({ description: 'severity 5' }),
    info: Type.Integer({ description: 'severity 6' }),
    debug: Type.Integer({ description: 'severity 7' }),
  },
  { description: 'messages per severity keyword' },
);
export type SeverityCounts = Static<typeof SeverityCounts>;

/** `GET /api/v1/devices/{id}/metrics`: the last 24 h per arrival minute; minutes without messages are left out. */
export const DeviceMetricsView = Type.Object({
  device_id: Type.String({ description: 'device id' }),
  start_time: Type.String({ description: 'start of the first minute covered, ISO 8601' }),
  end_time: Type.String({ description: 'when the answer was made, ISO 8601' }),
  minutes: Type.Array(
    Type.Object({
      minute: Type.String({ description: 'start of the minute, ISO 8601' }),
      count: Type.Integer({ description: 'messages in the minute' }),
      parse_errors: Type.Integer({ description: 'messages that did not parse cleanly' }),
      by_severity: SeverityCounts,
    }),
    { description: 'oldest minute first' },
  ),
});
export type DeviceMetricsView = Static<typeof DeviceMetricsView>;

const Format = Type.Union(
  ['auto', 'openwrt', 'rfc3164', 'rfc5424', 'legacy_ubox'].map((value) => Type.Literal(value)),
  { description: 'how the device writes syslog' },
);
const Mode = Type.Union(
  ['observe', 'dry_run', 'execute'].map((value) => Type.Literal(value)),
  { description: 'highest orchestrator mode for this device' },
);

/** `GET /api/v1/devices/{id}/configuration`: the OPMAS-side settings of a device (how its lines parse and act). */
export const DeviceConfigurationView = Type.Object({
  timezone: Nullable(Type.String(), 'IANA time zone of local timestamps (null: OPMAS_DEFAULT_TZ)'),
  log_prefix: Nullable(Type.String(), '`logread -P` prefix (null: detected)'),
  format: Type.String({ description: 'auto, openwrt, rfc3164, rfc5424 or legacy_ubox' }),
  max_mode: Type.String({ description: 'highest orchestrator mode for this device' }),
  tags: Type.Array(Type.String(), { description: 'labels used by profile filters' }),
  bind_source_ip: Type.Boolean({ description: 'reject this hostname from other source addresses' }),
  enabled: Type.Boolean({ description: 'false: messages are dropped as device_disabled' }),
});
export type DeviceConfigurationView = Static<typeof DeviceConfigurationView>;

/** `PUT /api/v1/devices/{id}/configuration`: only the fields sent change; null clears time zone or prefix. */
export const UpdateDeviceConfiguration = Type.Object(
  {
    timezone: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }), 'IANA time zone; null clears')),
    log_prefix: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64 }), '`logread -P` prefix; null clears'),
    ),
    format: Type.Optional(Format),
    max_mode: Type.Optional(Mode),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, description: 'labels' }),
    ),
    bind_source_ip: Type.Optional(Type.Boolean({ description: 'reject this hostname from other source addresses' })),
    enabled: Type.Optional(Type.Boolean({ description: 'accept messages from this device' })),
  },
  { additionalProperties: false },
);
export type UpdateDeviceConfiguration = Static<typeof UpdateDeviceConfiguration>;

/** `GET /api/v1/devices/{id}/syslog-setup` query; unset values come from this process's bound listeners. */
export const SyslogSetupQuery = Type.Object({
  host: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$',
      description: 'address the router sends to (default: the listener address, else the Host of this request)',
    }),
  ),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'port (default: the bound listener)' })),
  transport: Type.Optional(
    Type.Union([Type.Literal('udp'), Type.Literal('tcp')], {
      description: 'logd transport (default: udp when a UDP listener is bound, else tcp); logd has no TLS',
    }),
  ),
});
export type SyslogSetupQuery = Static<typeof SyslogSetupQuery>;

export const SyslogSetupView = Type.Object({
  device_id: Type.String({ description: 'device id' }),
  host: Type.String({ description: 'log_ip' }),
  port: Type.Integer({ description: 'log_port' }),
  transport: Type.String({ description: 'log_proto' }),
  commands: Type.Array(Type.String(), { description: 'shell commands to run on the router, in order' }),
  script: Type.String({ description: 'the commands joined by newlines' }),
});
export type SyslogSetupView = Static<typeof SyslogSetupView>;

/** `POST /api/v1/devices/discover` body. */
export const DiscoverDevices = Type.Object(
  {
    acknowledge: Type.Optional(
      Type.Array(Uuid, { maxItems: 500, description: 'ids of auto-registered devices to mark as acknowledged' }),
    ),
  },
  { additionalProperties: false },
);
export type DiscoverDevices = Static<typeof DiscoverDevices>;

export const DiscoveredDevices = Type.Object({
  discovered: Type.Array(DeviceView, {
    description: 'auto-registered devices nobody acknowledged yet, oldest first (at most 500)',
  }),
  acknowledged: Type.Array(Type.String(), { description: 'ids this request acknowledged' }),
});
