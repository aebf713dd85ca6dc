-- Named S3 connections, one owner each (spec 01-odh-tec "Data model"). The secret key is stored Fernet-encrypted only;
-- `secret_hint` keeps its last four characters so the API can show a mask without decrypting.
create table s3_connections (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$' and id <> 'embedded' and id !~ '^local-'),
  name text not null,
  endpoint text not null,
  region text not null default 'us-east-1',
  access_key_id text not null,
  secret_access_key_enc text not null,
  secret_hint text not null,
  default_bucket text not null default '',
  force_path_style boolean not null default true,
  checksum_mode text not null default 'when_supported' check (checksum_mode in ('when_supported', 'when_required')),
  ca_bundle_pem text,
  tls_verify boolean not null default true,
  created_by uuid not null,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index s3_connections_owner on s3_connections (created_by, id);
