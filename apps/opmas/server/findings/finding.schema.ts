import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Status = Type.Union([
  Type.Literal('new'),
  Type.Literal('investigating'),
  Type.Literal('resolved'),
  Type.Literal('false_positive'),
  Type.Literal('closed'),
]);
const Severity = Type.Union([
  Type.Literal('info'),
  Type.Literal('warning'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

/** One finding (spec 02-opmas "Data model" `findings`); times are ISO 8601. */
export const FindingView = Type.Object({
  id: Type.String(),
  rule_id: Type.String(),
  domain: Type.String(),
  severity: Severity,
  status: Status,
  title: Type.String(),
  device: Type.String({ description: 'device slug' }),
  device_id: Nullable(Type.String()),
  group_key: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  event_count: Type.Integer(),
  occurrences: Type.Integer(),
  first_seen: Type.String(),
  last_seen: Type.String(),
  evidence: Type.Array(Type.Object({ ts: Type.Number({ description: 'event time, ms UTC' }), raw: Type.String() })),
  labels: Type.Record(Type.String(), Type.String()),
  update_seq: Type.Integer(),
  source: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  resolved_at: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
});
export type FindingView = Static<typeof FindingView>;

export const FindingList = Type.Object({ items: Type.Array(FindingView), next_cursor: Nullable(Type.String()) });

/** `GET /api/v1/findings` filters (spec "API"). */
export const FindingListQuery = Type.Object({
  status: Type.Optional(Status),
  severity: Type.Optional(Severity),
  domain: Type.Optional(Type.String({ maxLength: 64 })),
  rule: Type.Optional(Type.String({ maxLength: 128 })),
  device: Type.Optional(Type.String({ maxLength: 64, description: 'device slug' })),
  device_id: Type.Optional(Type.String({ format: 'uuid' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
export type FindingListQuery = Static<typeof FindingListQuery>;

export const FindingIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** `PUT/PATCH /api/v1/findings/{id}`: a status change with an optional note. */
export const FindingChange = Type.Object(
  {
    status: Status,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'timeline note' })),
    suppress_for: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,6}(ms|s|m|h|d)$',
        description: 'with false_positive: no new finding for this rule, device and key during this long',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FindingChange = Static<typeof FindingChange>;
