-- Rules, their versions, checkpointed window state and suppressions (spec 02-opmas "Data model" `rules`,
-- `rule_versions`, `rule_state`, `rule_suppressions`). A deleted built-in stays as a disabled row so a restart does
-- not seed it again.
create table rules (
  id text primary key,
  domain text not null,
  version integer not null default 1,
  enabled boolean not null default true,
  type text not null,
  doc jsonb not null,
  source text not null check (source in ('builtin', 'user')),
  pack_version integer,
  deleted boolean not null default false,
  created_by text,
  updated_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_triggered timestamptz,
  trigger_count bigint not null default 0
);

create table rule_versions (
  rule_id text not null references rules (id) on delete cascade,
  version integer not null,
  doc jsonb not null,
  enabled boolean not null,
  changed_by text,
  changed_at timestamptz not null default now(),
  primary key (rule_id, version)
);

-- One row per (rule, device, group key) window; session-join state of a rule and device uses group key
-- `@session` (spec "State persistence": dirty keys and sessions are upserted every OPMAS_STATE_CHECKPOINT_MS).
create table rule_state (
  rule_id text not null,
  device_slug text not null,
  group_key text not null,
  partition integer not null default 0,
  rule_version integer not null,
  state jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (rule_id, device_slug, group_key)
);

create table rule_suppressions (
  id uuid primary key default gen_random_uuid(),
  rule_id text not null,
  device text not null,
  group_key text not null,
  until timestamptz not null,
  finding_id uuid,
  created_by text,
  created_at timestamptz not null default now()
);
create index rule_suppressions_key on rule_suppressions (rule_id, device, group_key, until);
