-- Identity: users, external identities, sessions, one-time sign-in links, API tokens, roles.
create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique,
  email text unique,
  display_name text not null default '',
  password_hash text,
  active boolean not null default true,
  roles text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz
);

create table identities (
  provider text not null,
  subject text not null,
  user_id uuid not null references users(id) on delete cascade,
  email text,
  created_at timestamptz not null default now(),
  primary key (provider, subject)
);

-- Session and token secrets are stored only as SHA-256 hashes.
create table sessions (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id);

create table one_time_logins (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  name text not null,
  prefix text not null,
  token_hash text not null unique,
  scopes text[] not null default '{}',
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_tokens_user_idx on api_tokens (user_id);

create table roles (
  name text primary key,
  description text not null default '',
  permissions text[] not null default '{}',
  built_in boolean not null default false,
  updated_at timestamptz not null default now()
);

-- Permissions seen so far; a permission new to this table is granted once to the roles its app names as defaults.
create table permissions (
  permission text primary key,
  app text not null,
  description text not null default '',
  created_at timestamptz not null default now()
);
