-- OCPP 2.x device model (B Provisioning) and diagnostics (N): what stations report about their
-- components and variables, the report requests behind those reports, events, monitors and
-- customer information. Absent optional key parts are stored as '' (instances) and 0 (EVSE,
-- connector; OCPP numbers both from 1) so that they can be part of a primary key.

-- One row per station / component / variable / attribute type (Actual, Target, MinSet, MaxSet).
-- The characteristics belong to the variable and are repeated on each of its attribute rows.
create table device_model_variables (
  station_id text not null references stations(id) on delete cascade,
  component_name text not null,
  component_instance text not null default '',
  evse_id integer not null default 0,
  connector_id integer not null default 0,
  variable_name text not null,
  variable_instance text not null default '',
  attribute_type text not null default 'Actual',
  value text,                                   -- never stored for write-only (secret) variables
  mutability text, persistent boolean, is_constant boolean,
  unit text, data_type text, min_limit double precision, max_limit double precision, max_elements integer,
  values_list text, supports_monitoring boolean,
  source text not null,                         -- report | get | set: the message that last wrote the value
  reboot_required boolean not null default false, -- SetVariables answered RebootRequired: applies after a reboot
  reported_at timestamptz,                      -- last time a NotifyReport contained this row
  updated_at timestamptz not null default now(),
  primary key (station_id, component_name, component_instance, evse_id, connector_id, variable_name, variable_instance, attribute_type)
);
create index device_model_variables_variable on device_model_variables (station_id, variable_name);

-- Requests whose answer arrives in Notify* parts (requestId, seqNo, tbc): GetBaseReport/GetReport
-- (NotifyReport), GetMonitoringReport (NotifyMonitoringReport), CustomerInformation
-- (NotifyCustomerInformation). A row appears with the request's reply or the first part, whichever comes first.
create table report_requests (
  station_id text not null references stations(id) on delete cascade,
  notify_action text not null,
  request_id integer not null,
  kind text,                                    -- the request action; null until its reply was seen
  request jsonb,
  response_status text,                         -- the charger's reply to the request
  parts integer not null default 0,
  last_seq_no integer,
  complete boolean not null default false,      -- last part (tbc = false) received, or nothing will come
  pruned boolean not null default false,        -- a full report replaced what was stored before it
  requested_at timestamptz, started_at timestamptz, completed_at timestamptz,
  primary key (station_id, notify_action, request_id)
);

-- NotifyEvent: one row per event; a retried message stores nothing twice.
create table device_events (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  event_id integer not null,
  ts timestamptz not null,
  trigger text not null, cause integer, actual_value text not null,
  tech_code text, tech_info text, cleared boolean, transaction_id text,
  component_name text not null, component_instance text, evse_id integer, connector_id integer,
  variable_name text not null, variable_instance text,
  variable_monitoring_id integer, event_notification_type text not null, severity integer,
  generated_at timestamptz not null, received_at timestamptz not null default now(),
  unique (station_id, event_id, ts)
);
create index device_events_station on device_events (station_id, id desc);

-- Variable monitors: reported (NotifyMonitoringReport) or set by the CSMS (SetVariableMonitoring).
create table variable_monitors (
  station_id text not null references stations(id) on delete cascade,
  monitor_id integer not null,
  component_name text not null, component_instance text, evse_id integer, connector_id integer,
  variable_name text not null, variable_instance text,
  type text not null, value double precision not null, severity integer not null, transaction boolean not null default false,
  event_notification_type text,                 -- OCPP 2.1
  source text not null,                         -- report | set
  reported_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (station_id, monitor_id)
);

-- SetMonitoringBase / SetMonitoringLevel the station accepted.
create table monitoring_settings (
  station_id text primary key references stations(id) on delete cascade,
  monitoring_base text, monitoring_level integer,
  updated_at timestamptz not null default now()
);

-- NotifyCustomerInformation: the data chunks of one request, in seqNo order.
create table customer_information_parts (
  station_id text not null references stations(id) on delete cascade,
  request_id integer not null,
  seq_no integer not null,
  data text not null,
  generated_at timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (station_id, request_id, seq_no)
);
