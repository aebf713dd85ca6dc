import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Format = Type.Union(
  ['auto', 'openwrt', 'rfc3164', 'rfc5424', 'legacy_ubox'].map((value) => Type.Literal(value)),
  { description: 'how the device writes syslog' },
);
const Mode = Type.Union(
  ['observe', 'dry_run', 'execute'].map((value) => Type.Literal(value)),
  { description: 'highest orchestrator mode for this device' },
);

/** SSH settings; the credential (key or password) is write-only: stored encrypted, never returned or logged. */
const SshSettings = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'address to connect to' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'SSH port (22)' })),
    username: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$', description: 'login (root)' })),
    host_key_sha256: Type.Optional(Type.String({ maxLength: 128, description: 'pinned host key, SHA256:…' })),
    private_key: Type.Optional(
      Type.String({ minLength: 32, maxLength: 16_384, description: 'OpenSSH/PEM private key (write-only, admin)' }),
    ),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'password (write-only, admin)' })),
  },
  { additionalProperties: false },
);

/** Editable fields of spec 02-opmas "API" `POST /api/v1/devices`. */
const editable = {
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
  log_prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '`logread -P` prefix' })),
  format: Type.Optional(Format),
  max_mode: Type.Optional(Mode),
  bind_source_ip: Type.Optional(Type.Boolean({ description: 'reject this hostname from other source addresses' })),
  ssh: Type.Optional(SshSettings),
  telemetry_url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
};

export const CreateDevice = Type.Object(
  {
    hostname: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    ip_address: Type.Optional(Type.String({ minLength: 2, maxLength: 45 })),
    ...editable,
  },
  { additionalProperties: false },
);
export type CreateDevice = Static<typeof CreateDevice>;

/** PUT and PATCH both change only the fields sent (upstream's PUT was partial too). */
export const UpdateDevice = Type.Object(
  {
    ip_address: Type.Optional(Type.String({ minLength: 2, maxLength: 45 })),
    enabled: Type.Optional(Type.Boolean()),
    acknowledged: Type.Optional(Type.Boolean()),
    ...editable,
  },
  { additionalProperties: false },
);
export type UpdateDevice = Static<typeof UpdateDevice>;

export const DeviceIdParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
});

export const DeviceListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
});

export const DeviceView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  identity: Type.String(),
  hostname: Nullable(Type.String()),
  ip_address: Nullable(Type.String()),
  last_source_ip: Nullable(Type.String()),
  device_type: Nullable(Type.String()),
  model: Nullable(Type.String()),
  firmware_version: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  log_prefix: Nullable(Type.String()),
  format: Type.String(),
  max_mode: Type.String(),
  bind_source_ip: Type.Boolean(),
  status: Type.String(),
  enabled: Type.Boolean(),
  acknowledged: Type.Boolean(),
  auto_registered: Type.Boolean(),
  first_seen: Nullable(Type.String()),
  last_seen: Nullable(Type.String()),
  msg_count: Type.Integer(),
  ssh: Type.Object({
    host: Nullable(Type.String()),
    port: Type.Integer(),
    username: Type.String(),
    host_key_sha256: Nullable(Type.String()),
  }),
  telemetry_url: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type DeviceView = Static<typeof DeviceView>;

export const DeviceList = Type.Object({
  items: Type.Array(DeviceView),
  next_cursor: Nullable(Type.String()),
  total: Type.Integer(),
});
