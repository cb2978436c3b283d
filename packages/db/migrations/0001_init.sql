-- Voltlane initial schema: the platform's data model.
create table settings (key text primary key, value text not null, updated_at timestamptz not null default now());
create table stations (
  id text primary key,
  password_hash text,
  registration_status text not null default 'Pending',   -- Accepted | Pending | Rejected (last BootNotification answer)
  ocpp_version text,
  vendor text, model text, serial_number text, charge_box_serial_number text, firmware_version text,
  iccid text, imsi text, meter_type text, meter_serial_number text,
  status text, error_code text, status_info text, status_at timestamptz,   -- connector 0 / whole station
  online boolean not null default false,
  connected_at timestamptz, disconnected_at timestamptz, last_boot_at timestamptz, last_heartbeat_at timestamptz,
  firmware_status text, firmware_status_at timestamptz, diagnostics_status text, diagnostics_status_at timestamptz,
  heartbeat_interval integer,
  auto_registered boolean not null default false,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now()
);
create table connectors (
  station_id text not null references stations(id) on delete cascade,
  evse_id integer not null, connector_id integer not null,
  status text, error_code text, info text, vendor_id text, vendor_error_code text, status_at timestamptz,
  primary key (station_id, evse_id, connector_id)
);
create table id_tokens (
  id_token text primary key, status text not null, expires_at timestamptz, parent_id_token text,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now()
);
create table transactions (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  evse_id integer not null, connector_id integer not null,
  id_token text, status text not null,            -- active | completed
  started_at timestamptz not null, stopped_at timestamptz,
  meter_start_wh numeric, meter_stop_wh numeric, last_meter_wh numeric, energy_wh numeric,
  stop_reason text, stop_id_token text, reservation_id integer, ocpp_transaction_id text,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now()
);
create unique index transactions_start_dedupe on transactions (station_id, evse_id, started_at, coalesce(id_token, ''));
create index transactions_station_status on transactions (station_id, status);
create index transactions_active on transactions (status) where status = 'active';
-- One row per MeterValue (one timestamp) of a message, its sampled values as received in
-- `sampled_values` (defaults filled in). One row per message instead of one per sample keeps
-- ingest cheap; the energy register and active power are extracted for queries.
create table meter_values (
  id bigserial primary key,
  transaction_id bigint references transactions(id) on delete cascade,
  station_id text not null, evse_id integer not null,
  ts timestamptz not null,
  energy_wh double precision,   -- Energy.Active.Import.Register in Wh, when present
  power_w double precision,     -- Power.Active.Import in W, when present
  sampled_values jsonb not null
);
-- A retried message (same station, EVSE, time and content) is stored once.
create unique index meter_values_dedupe on meter_values (station_id, evse_id, ts, md5(sampled_values::text));
create index meter_values_tx on meter_values (transaction_id, ts);
create table reservations (
  id integer primary key, station_id text not null references stations(id) on delete cascade,
  connector_id integer not null, id_token text not null, parent_id_token text,
  expires_at timestamptz not null, status text not null,   -- Requested | Active | Used | Cancelled | Expired | Rejected
  transaction_id bigint, created_at timestamptz not null default now(), updated_at timestamptz not null default now()
);
create sequence reservation_ids;
create table local_lists (station_id text primary key references stations(id) on delete cascade, version integer not null, updated_at timestamptz not null default now());
create table local_list_entries (
  station_id text not null references stations(id) on delete cascade, id_token text not null,
  status text, expires_at timestamptz, parent_id_token text, primary key (station_id, id_token)
);
create table charging_profiles (
  station_id text not null references stations(id) on delete cascade,
  connector_id integer not null, charging_profile_id integer not null,
  stack_level integer not null, purpose text not null, kind text not null, recurrency_kind text,
  valid_from timestamptz, valid_to timestamptz, transaction_id text,
  profile jsonb not null, created_at timestamptz not null default now(),
  primary key (station_id, charging_profile_id)
);
create table station_configuration (
  station_id text not null references stations(id) on delete cascade, key text not null,
  value text, readonly boolean, updated_at timestamptz not null default now(), primary key (station_id, key)
);
create table connection_attempts (
  id bigserial primary key, station_id text not null, at timestamptz not null default now(),
  remote_address text, outcome text not null, reason text, subprotocol text, detail text
);
create index connection_attempts_station on connection_attempts (station_id, id desc);
create table files (
  id bigserial primary key, kind text not null, name text not null, station_id text,
  content_type text, size bigint not null, sha256 text not null, data bytea not null,
  created_at timestamptz not null default now(), unique (kind, name)
);
create table data_transfers (
  id bigserial primary key, station_id text not null, direction text not null, vendor_id text not null,
  message_id text, data text, status text, at timestamptz not null default now()
);
create table command_log (
  id bigserial primary key, station_id text not null, action text not null, request jsonb,
  response jsonb, error_code text, error_message text, started_at timestamptz not null, finished_at timestamptz
);
create index command_log_station on command_log (station_id, id desc);
