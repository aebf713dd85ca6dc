-- Runtime config history (spec 02-opmas "Data model": `system_config` + `system_config_history`; "API":
-- runtime config "audited, history kept"). One row per change of one key, written in the change's transaction.
create table system_config_history (
  id bigint generated always as identity primary key,
  key text not null,
  before jsonb,
  after jsonb not null,
  changed_by text,
  changed_at timestamptz not null default now()
);

create index system_config_history_key on system_config_history (key, id desc);
