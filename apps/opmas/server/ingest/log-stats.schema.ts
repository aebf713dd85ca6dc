import { type Static, Type } from 'typebox';

const GroupBy = Type.Union([Type.Literal('device'), Type.Literal('domain'), Type.Literal('severity')], {
  description: 'what each row of `sources` counts: one device, one domain or one severity',
});

/** `GET /api/v1/logs/stats` query (spec 02-opmas "API"): default the last hour, at most 31 days. */
export const LogStatsQuery = Type.Object({
  start_time: Type.Optional(Type.String({ maxLength: 40, description: 'RFC 3339 start (default: end_time − 1 h)' })),
  end_time: Type.Optional(Type.String({ maxLength: 40, description: 'RFC 3339 end (default: now)' })),
  group_by: Type.Optional(GroupBy),
});
export type LogStatsQuery = Static<typeof LogStatsQuery>;

const counts = {
  count: Type.Integer({ description: 'messages accepted, parse errors included' }),
  parse_errors: Type.Integer({ description: 'messages that did not parse cleanly (ok=false)' }),
};

const DeviceSource = Type.Object({
  device_id: Type.String({ description: 'device id' }),
  hostname: Type.Union([Type.String(), Type.Null()], { description: 'device hostname, if known' }),
  source_ip: Type.Union([Type.String(), Type.Null()], { description: 'last source address (else the configured one)' }),
  ...counts,
});
const DomainSource = Type.Object({ domain: Type.String({ description: 'classification domain' }), ...counts });
const SeveritySource = Type.Object({
  severity: Type.Integer({ minimum: 0, maximum: 7, description: 'syslog severity code (0 emerg … 7 debug)' }),
  severity_name: Type.String({ description: 'severity keyword, e.g. `err`' }),
  ...counts,
});

/**
 * The answer: `sources` rows are devices (busiest first) for `group_by=device`, domains (busiest first) for `domain`,
 * severities (most severe first) for `severity`. Minutes are of arrival; a minute counts when it starts in the range.
 */
export const LogStatsView = Type.Object({
  start_time: Type.String({ description: 'range start, ISO 8601' }),
  end_time: Type.String({ description: 'range end, ISO 8601' }),
  group_by: GroupBy,
  total: Type.Integer({ description: 'messages over the range' }),
  parse_errors: Type.Integer({ description: 'parse errors over the range' }),
  sources: Type.Union([Type.Array(DeviceSource), Type.Array(DomainSource), Type.Array(SeveritySource)], {
    description: 'one row per group, shaped by `group_by`',
  }),
});
export type LogStatsView = Static<typeof LogStatsView>;
