-- Findings (spec 02-opmas "Data model" `findings`, `finding_events`, `finding_history`). `seq` is an internal keyset
-- cursor for lists (newest first). At most one open finding (`new`/`investigating`) per rule, device and group key.
create table findings (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity unique,
  rule_id text not null,
  domain text not null,
  severity text not null check (severity in ('info', 'warning', 'high', 'critical')),
  status text not null default 'new'
    check (status in ('new', 'investigating', 'resolved', 'false_positive', 'closed')),
  title text not null,
  device text not null,
  device_id uuid,
  group_key text not null,
  fields jsonb not null default '{}',
  event_count integer not null default 0,
  occurrences integer not null default 1,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  evidence jsonb not null default '[]',
  labels jsonb not null default '{}',
  update_seq integer not null default 0,
  source text not null default 'rule' check (source in ('rule', 'manual')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz,
  closed_at timestamptz
);
create unique index findings_open_key on findings (rule_id, device, group_key)
  where status in ('new', 'investigating');
create index findings_status_seq on findings (status, seq);

-- Idempotency: a FindingEvent id seen once is never applied again (replays, redeliveries).
create table finding_events (
  event_id uuid primary key,
  finding_id uuid not null references findings (id) on delete cascade,
  kind text not null check (kind in ('fired', 'updated')),
  processed_at timestamptz not null default now()
);

create table finding_history (
  id bigint generated always as identity primary key,
  finding_id uuid not null references findings (id) on delete cascade,
  from_status text not null,
  to_status text not null,
  changed_by text,
  note text,
  at timestamptz not null default now()
);
