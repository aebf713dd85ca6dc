-- Client inventory (spec 02-opmas "Data model" `client_inventory`): mac ↔ ip ↔ hostname per device, from DHCP
-- acknowledgements (fact rule `dhcp.lease`); used to enrich findings that carry a MAC.
create table client_inventory (
  device_id uuid not null references devices (id) on delete cascade,
  mac text not null,
  ip text,
  hostname text,
  iface text,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  primary key (device_id, mac)
);
create index client_inventory_ip on client_inventory (ip);
