-- Orchestrator (spec 02-opmas "Data model": profiles, playbooks, steps, executions, actions, decisions, bouncer
-- cursors, runtime config). Playbook and profile ids are readable slugs (`block-source-ip`); built-ins are seeded.
create table playbooks (
  id text primary key,
  name text not null,
  description text not null default '',
  domain text,
  enabled boolean not null default true,
  max_mode text not null default 'execute' check (max_mode in ('observe', 'dry_run', 'execute')),
  builtin boolean not null default false,
  last_executed timestamptz,
  execution_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table playbook_steps (
  id uuid primary key default gen_random_uuid(),
  playbook_id text not null references playbooks (id) on delete cascade,
  position integer not null,
  name text not null,
  kind text not null check (kind in ('command', 'decision', 'notify')),
  template_id text,
  params jsonb not null default '{}',
  decision jsonb,
  timeout_s integer,
  continue_on_error boolean not null default false,
  requires_approval boolean not null default false,
  cooldown_s integer not null default 300,
  unique (playbook_id, position)
);

create table profiles (
  id text primary key,
  name text not null,
  priority integer not null default 100,
  enabled boolean not null default true,
  filter jsonb not null default '{}',
  playbook_id text not null references playbooks (id),
  max_mode text not null default 'execute' check (max_mode in ('observe', 'dry_run', 'execute')),
  rerun_on_repeat boolean not null default false,
  on_match text not null default 'stop' check (on_match in ('stop', 'continue')),
  builtin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One execution per (finding occurrence, profile): a redelivered finding event creates nothing new.
create table playbook_executions (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity unique,
  playbook_id text not null,
  profile_id text,
  finding_id uuid,
  occurrence integer,
  device_id uuid,
  device text,
  mode text not null,
  trigger text not null check (trigger in ('profile', 'manual')),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'observed')),
  params jsonb not null default '{}',
  started_at timestamptz,
  completed_at timestamptz,
  results jsonb not null default '[]',
  error_message text,
  created_by text,
  created_at timestamptz not null default now(),
  unique (finding_id, profile_id, occurrence)
);

create table actions (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity unique,
  execution_id uuid references playbook_executions (id) on delete set null,
  step_id uuid,
  finding_id uuid,
  device_id uuid,
  device text,
  template_id text not null,
  params jsonb not null default '{}',
  rendered_command text,
  mode text not null,
  status text not null check (status in ('dry_run', 'pending_approval', 'queued', 'running', 'succeeded', 'failed',
    'timed_out', 'rejected', 'cancelled', 'suppressed')),
  requires_approval boolean not null default false,
  approved_by text,
  attempts integer not null default 0,
  max_attempts integer not null default 3,
  exit_code integer,
  stdout text,
  stderr text,
  truncated boolean not null default false,
  error_code text,
  error_message text,
  duration_ms integer,
  reason text,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz
);
create index actions_device_template on actions (device, template_id, created_at);

create table decisions (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity unique,
  type text not null,
  scope text not null check (scope in ('ip', 'mac', 'user', 'iface')),
  value text not null,
  device_id uuid,
  device text,
  finding_id uuid,
  profile_id text,
  execution_id uuid,
  origin text not null check (origin in ('profile', 'manual')),
  simulated boolean not null default false,
  status text not null default 'active' check (status in ('active', 'expired', 'revoked')),
  duration_s integer not null,
  created_at timestamptz not null default now(),
  until timestamptz not null,
  revoked_by text,
  apply_action_id uuid,
  revert_action_id uuid,
  revert jsonb
);
create index decisions_scope_value on decisions (scope, value, created_at);
create index decisions_active_until on decisions (until) where status = 'active';

create table decision_changes (
  seq bigint generated always as identity primary key,
  decision_id uuid not null references decisions (id) on delete cascade,
  kind text not null check (kind in ('new', 'deleted')),
  at timestamptz not null default now()
);

create table bouncer_cursors (
  token_id text primary key,
  last_seq bigint not null default 0,
  updated_at timestamptz not null default now()
);

create table system_config (
  key text primary key,
  value jsonb not null,
  updated_by text,
  updated_at timestamptz not null default now()
);

-- SSH credentials of a device (spec "Data model" `device_credentials`): Fernet-encrypted, write-only, one per device.
create table device_credentials (
  id uuid primary key default gen_random_uuid(),
  device_id uuid not null unique references devices (id) on delete cascade,
  kind text not null check (kind in ('private_key', 'password')),
  secret_enc text not null,
  fingerprint text,
  created_by text,
  created_at timestamptz not null default now()
);
