-- Agent nodes and partition leases (spec 02-opmas "Data model" `agent_nodes`, `agent_leases`; "Rule evaluation"):
-- with several worker nodes each device partition of the window stage is held by one node at a time, leased for
-- a TTL and renewed; a node that stops heartbeating loses its partitions to the live ones.
create table agent_nodes (
  node_id text primary key,
  host text not null,
  pid integer not null,
  version text not null,
  started_at timestamptz not null,
  last_heartbeat timestamptz not null
);
create table agent_leases (
  domain text not null,
  partition integer not null,
  node_id text not null,
  epoch bigint not null default 1,
  lease_until timestamptz not null,
  primary key (domain, partition)
);
-- The ingest journal's cursor (embedded mode): the last journaled batch the checkpointed rule state covers, written
-- in the checkpoint's transaction; a restart replays the journal after it.
create table journal_cursor (
  consumer text primary key,
  seq bigint not null,
  updated_at timestamptz not null
);
