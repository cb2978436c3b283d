-- OCPP 2.0.1/2.1 functional blocks next to their 1.6 versions: reservations (H), local list (D),
-- smart charging (K), firmware and logs (L, N), display messages (O).

-- H: 2.x reserves an EVSE (stored in connector_id; 0 = any EVSE) for a typed id token, optionally
-- of a connector type. groupIdToken goes into parent_id_token. New status: Removed (the station
-- removed it, ReservationStatusUpdate).
alter table reservations add column id_token_type text, add column connector_type text;

-- D: 2.x tokens are typed, and idTokenInfo carries more than 1.6's idTagInfo (language, EVSEs, ...).
alter table local_list_entries add column id_token_type text, add column id_token_info jsonb;

-- K: profiles come from the CSMS (CSO) or, in ReportChargingProfiles, from other sources (EMS, SO,
-- Other); their ids are only unique per source.
alter table charging_profiles add column charging_limit_source text not null default 'CSO';
alter table charging_profiles drop constraint charging_profiles_pkey;
alter table charging_profiles add primary key (station_id, charging_limit_source, charging_profile_id);

-- K: external charging limits in force (NotifyChargingLimit until ClearedChargingLimit); evse 0 = station.
create table charging_limits (
  station_id text not null references stations(id) on delete cascade,
  evse_id integer not null, charging_limit_source text not null,
  is_grid_critical boolean, charging_schedule jsonb,
  updated_at timestamptz not null default now(),
  primary key (station_id, evse_id, charging_limit_source)
);

-- K (ISO 15118): what the EV last asked for (NotifyEVChargingNeeds) and the schedule it chose
-- (NotifyEVChargingSchedule), per EVSE.
create table ev_charging_needs (
  station_id text not null references stations(id) on delete cascade,
  evse_id integer not null,
  charging_needs jsonb, max_schedule_tuples integer, needs_at timestamptz,
  ev_schedule jsonb, ev_schedule_time_base timestamptz, ev_schedule_at timestamptz,
  primary key (station_id, evse_id)
);

-- L, N: firmware, publish-firmware and log/diagnostics status notifications with their request
-- id, newest last. stations.firmware_status/diagnostics_status keep the latest of each.
create table file_transfer_events (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  kind text not null,            -- firmware | publishFirmware | log
  status text not null, request_id integer, locations jsonb,
  at timestamptz not null
);
create index file_transfer_events_station on file_transfer_events (station_id, id desc);

-- O: display messages the station accepted (SetDisplayMessage) or reported (NotifyDisplayMessages).
create table display_messages (
  station_id text not null references stations(id) on delete cascade,
  id integer not null,
  priority text not null, state text, start_at timestamptz, end_at timestamptz, transaction_id text,
  message jsonb not null,        -- the whole MessageInfo as sent or reported
  updated_at timestamptz not null default now(),
  primary key (station_id, id)
);
