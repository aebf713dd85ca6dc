import { type Static, Type } from 'typebox';

const Line = Type.String({ maxLength: 65_536 });

/**
 * The bodies `POST /api/v1/logs` accepts (spec 02-opmas "API"). `text/plain` comes first: Fastify's Ajv coerces a
 * string to a one-element array (`coerceTypes: 'array'`), which would otherwise turn a whole text body into one line.
 */
export const LogsBody = Type.Union([
  Type.String({ description: 'text/plain: lines separated by LF, CRLF or NUL' }),
  Type.Object(
    {
      logs: Type.Array(Line, { minItems: 1 }),
      source_identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
      explicit_source_ip: Type.Optional(Type.String({ maxLength: 45 })),
    },
    { additionalProperties: false },
  ),
  Type.Array(Line, { minItems: 1 }),
  Type.Array(
    Type.Object(
      {
        message: Line,
        host: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
        source_ip: Type.Optional(Type.String({ maxLength: 45 })),
      },
      { additionalProperties: false },
    ),
    { minItems: 1 },
  ),
]);
export type LogsBody = Static<typeof LogsBody>;

export const LogsQuery = Type.Object({
  source_identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  source_ip: Type.Optional(Type.String({ maxLength: 45 })),
  reference_time: Type.Optional(Type.String({ maxLength: 40, description: 'RFC 3339; replaces arrival time' })),
});
export type LogsQuery = Static<typeof LogsQuery>;

export const LogsAccepted = Type.Object({
  message: Type.String(),
  batch_id: Type.String(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  errors: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String() })),
});

/** `POST /api/v1/logs/ingest` answer, as upstream's v2 endpoint gave it plus the accepted/rejected split. */
export const LogsIngested = Type.Object({
  message: Type.String({ description: 'human-readable outcome' }),
  timestamp: Type.String({ description: 'when the batch was taken, ISO 8601' }),
  log_count: Type.Integer({ description: 'entries in the request' }),
  accepted: Type.Integer({ description: 'entries queued' }),
  rejected: Type.Integer({ description: 'entries dropped' }),
});

const Counters = Type.Object({
  received: Type.Integer(),
  accepted: Type.Integer(),
  parse_degraded: Type.Integer(),
  dropped: Type.Integer(),
  dropped_by_reason: Type.Record(Type.String(), Type.Integer()),
  frame_errors: Type.Record(Type.String(), Type.Integer()),
  bytes: Type.Integer(),
});

export const LogsStatus = Type.Object({
  listeners: Type.Array(
    Type.Object({
      transport: Type.String(),
      address: Type.String(),
      port: Type.Union([Type.Integer(), Type.Null()]),
      bound: Type.Boolean(),
      error: Type.Optional(Type.String()),
    }),
  ),
  connections: Type.Object({ tcp: Type.Integer(), tls: Type.Integer() }),
  ingest: Type.Object({
    received: Type.Integer(),
    accepted: Type.Integer(),
    dropped: Type.Integer(),
    parse_errors: Type.Integer(),
    queue_depth: Type.Integer(),
    queue_max: Type.Integer(),
    backpressure: Type.Boolean(),
  }),
  transports: Type.Record(Type.String(), Counters),
  last_message_at: Type.Union([Type.String(), Type.Null()]),
  node: Type.String(),
});
