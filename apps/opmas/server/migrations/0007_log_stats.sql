-- Per-minute message counts (spec 02-opmas "Data model" `log_stats`): one row per device, minute of arrival, domain and
-- severity, upserted additively every 10 s by each ingesting process ("Devices": not written per message), so several
-- api/worker processes add to the same rows. Backs `GET /api/v1/logs/stats` and the device status and metrics routes.
-- No foreign key: a flush racing a device deletion must not fail the whole batch; readers join `devices`, so the
-- counts of a deleted device are no longer reported.
create table log_stats (
  device_id uuid not null,
  minute timestamptz not null,
  domain text not null,
  severity integer not null check (severity between 0 and 7),
  count bigint not null default 0,
  parse_errors bigint not null default 0,
  primary key (device_id, minute, domain, severity)
);
-- Range queries over every device (`/logs/stats`) scan by minute; per-device queries use the primary key.
create index log_stats_minute on log_stats (minute);
