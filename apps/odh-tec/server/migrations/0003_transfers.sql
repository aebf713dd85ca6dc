-- Transfers (spec 01-odh-tec "Data model"): one row per job (id = the kernel job id), one row per file, and an
-- append-only event log that lets any replica replay a job's `file` and terminal events after Last-Event-ID.
create table transfers (
  id uuid primary key,
  owner_id uuid not null,
  -- The kernel job running it now (a resume enqueues a new one); the transfer id stays the first job's id.
  job_id uuid,
  kind text not null check (kind in ('upload', 'copy', 'hf_import', 'delete_prefix')),
  status text not null default 'queued'
    check (status in ('queued', 'active', 'cancelling', 'completed', 'failed', 'cancelled', 'interrupted')),
  source jsonb not null default '{}',
  destination jsonb not null default '{}',
  options jsonb not null default '{}',
  resolved_revision text,
  -- A request's Hugging Face token, Fernet-encrypted and wiped at a terminal status.
  secret_enc text,
  total_files integer not null default 0,
  completed_files integer not null default 0,
  failed_files integer not null default 0,
  skipped_files integer not null default 0,
  total_bytes bigint not null default 0,
  loaded_bytes bigint not null default 0,
  error_code text,
  error_message text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index transfers_owner on transfers (owner_id, created_at desc);

create table transfer_files (
  transfer_id uuid not null references transfers (id) on delete cascade,
  idx integer not null,
  source_path text not null,
  dest_path text not null,
  size bigint,
  loaded bigint not null default 0,
  status text not null default 'queued'
    check (status in ('queued', 'transferring', 'completed', 'skipped', 'error', 'cancelled')),
  expected_sha256 text,
  actual_sha256 text,
  git_oid text,
  etag text,
  dest_written boolean not null default false,
  attempts integer not null default 0,
  error_code text,
  error_message text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (transfer_id, idx)
);

create table transfer_events (
  id bigserial primary key,
  transfer_id uuid not null references transfers (id) on delete cascade,
  type text not null check (type in ('file', 'done', 'error')),
  data jsonb not null,
  created_at timestamptz not null default now()
);

create index transfer_events_replay on transfer_events (transfer_id, id);
