import { type Static, Type } from 'typebox';

/** `POST /api/v1/rules/test` (spec 02-opmas "API", test bench). */
export const TestbenchRequest = Type.Object({
  lines: Type.Array(Type.String({ maxLength: 65_536 }), {
    minItems: 1,
    maxItems: 1000,
    description: 'syslog lines as received (wire format), evaluated in order',
  }),
  rule: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'an unsaved rule document to try instead of stored rules',
    }),
  ),
  rule_ids: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'stored rules to try (default all)' }),
  ),
  device: Type.Optional(
    Type.Object({
      timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone of the device' })),
      log_prefix: Type.Optional(Type.String({ maxLength: 64, description: 'logread -P prefix' })),
      format: Type.Optional(
        Type.Union(
          ['auto', 'openwrt', 'rfc3164', 'rfc5424', 'legacy_ubox'].map((format) => Type.Literal(format)),
          { description: 'header format of the device' },
        ),
      ),
    }),
  ),
  reference_time: Type.Optional(Type.String({ format: 'date-time', description: 'arrival time for year inference' })),
});
export type TestbenchRequest = Static<typeof TestbenchRequest>;

const Fields = Type.Record(Type.String(), Type.String());

export const TestbenchResult = Type.Object({
  events: Type.Array(
    Type.Object({
      line: Type.String({ description: 'the input line' }),
      parse: Type.Object(
        {
          ok: Type.Boolean({ description: 'the header parsed' }),
          errors: Type.Array(Type.String(), { description: 'parse error codes' }),
          format: Type.String({ description: 'detected header format' }),
          ts: Type.String({ description: 'event time, ISO 8601' }),
          host: Type.Union([Type.String(), Type.Null()], { description: 'HOSTNAME' }),
          app: Type.String({ description: 'program tag' }),
          pid: Type.Union([Type.Integer(), Type.Null()], { description: 'process id' }),
          facility: Type.Integer({ description: 'facility code' }),
          severity: Type.Integer({ description: 'severity code' }),
          msg: Type.String({ description: 'message text' }),
        },
        { description: 'parser output' },
      ),
      domain: Type.String({ description: 'classified domain' }),
      matches: Type.Array(
        Type.Object({
          rule_id: Type.String({ description: 'matching rule' }),
          pattern: Type.Integer({ description: 'index of the matching pattern' }),
          role: Type.String({ description: 'count, enrich or reconcile' }),
          fields: Fields,
          valid: Type.Boolean({ description: 'typed validation passed' }),
        }),
      ),
    }),
  ),
  findings: Type.Array(
    Type.Object({
      rule_id: Type.String({ description: 'rule that would fire' }),
      group_key: Type.String({ description: 'group key' }),
      event_count: Type.Integer({ description: 'events in the episode' }),
      first_seen: Type.String({ description: 'ISO 8601' }),
      last_seen: Type.String({ description: 'ISO 8601' }),
    }),
    { description: 'simulated findings' },
  ),
  invalid_keys: Type.Record(Type.String(), Type.Integer(), { description: 'per rule, matches dropped by validation' }),
});
export type TestbenchResult = Static<typeof TestbenchResult>;
