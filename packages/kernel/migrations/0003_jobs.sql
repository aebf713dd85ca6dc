-- Durable job queue: claimed with FOR UPDATE SKIP LOCKED under a renewable lease.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  queue text not null,
  payload jsonb not null default '{}',
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead')),
  priority integer not null default 0,
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  run_at timestamptz not null default now(),
  lease_owner text,
  lease_expires_at timestamptz,
  idempotency_key text,
  owner_id uuid,
  progress jsonb,
  result jsonb,
  error text,
  cancel_requested boolean not null default false,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create unique index jobs_idempotency_idx on jobs (queue, idempotency_key) where idempotency_key is not null;
create index jobs_claim_idx on jobs (queue, run_at, priority) where status = 'queued';
create index jobs_lease_idx on jobs (lease_expires_at) where status = 'running';
create index jobs_owner_idx on jobs (owner_id, created_at desc);

-- Progress and state transitions, replayed to SSE clients after Last-Event-ID.
-- The id is the SSE event id: increasing, so Last-Event-ID replays exactly what a client missed.
create table job_events (
  id bigserial primary key,
  job_id uuid not null references jobs(id) on delete cascade,
  type text not null,
  data jsonb not null default '{}',
  at timestamptz not null default now()
);
create index job_events_job_idx on job_events (job_id, id);

-- Cron schedules: whoever moves next_run_at forward by compare-and-set enqueues the tick.
create table schedules (
  name text primary key,
  cron text not null,
  timezone text not null default 'UTC',
  queue text not null,
  payload jsonb not null default '{}',
  enabled boolean not null default true,
  next_run_at timestamptz not null,
  last_run_at timestamptz
);

-- Transactional outbox: events written with their state change, relayed to the bus after commit.
create table outbox (
  id bigserial primary key,
  subject text not null,
  payload jsonb not null,
  headers jsonb,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_pending_idx on outbox (id) where published_at is null;
