-- Global settings, the Hugging Face token, disclaimer acceptances and bucket bookmarks (spec 01-odh-tec "Data model", M13, M14).

-- One row per key (`maxConcurrentTransfers`, `maxFilesPerPage`, `proxy`, `defaultLocationId`); a missing row means the
-- value from the environment applies.
create table settings (
  key text primary key,
  value jsonb not null,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Write-only secrets (`hf_token`): Fernet-encrypted, with the last four characters kept as a hint for the mask.
create table secrets (
  name text primary key,
  value_enc text not null,
  hint text not null default '',
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Per user; a newer disclaimer text (higher text_version) asks again.
create table disclaimer_acceptances (
  user_id uuid primary key,
  status text not null check (status in ('accepted')),
  text_version integer not null,
  accepted_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Bucket names a user can open when the location's credentials may not list buckets (spec M2).
create table bucket_bookmarks (
  user_id uuid not null,
  location_id text not null,
  bucket text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, location_id, bucket)
);
