-- Where stations are and what their connectors offer (issue 5: map, QR start pages), set by
-- operators. Field names and values follow OCPI 2.2.1 Location and Connector (mod_locations).
alter table stations add column name text;            -- display name (OCPI Location.name, string(255))
alter table stations add column address text;         -- street and number (string(255))
alter table stations add column city text;            -- string(45)
alter table stations add column postal_code text;     -- string(10)
alter table stations add column country text;         -- ISO 3166-1 alpha-3, e.g. FRA
alter table stations add column latitude double precision check (latitude between -90 and 90);
alter table stations add column longitude double precision check (longitude between -180 and 180);
alter table stations add column time_zone text;       -- IANA tz, e.g. Europe/Paris
alter table stations add constraint stations_coordinates_pair check ((latitude is null) = (longitude is null));
create index stations_coordinates on stations (latitude, longitude) where latitude is not null;

-- OCPI ConnectorType (e.g. IEC_62196_T2), ConnectorFormat (SOCKET | CABLE), PowerType (AC_1_PHASE ... DC).
alter table connectors add column standard text;
alter table connectors add column format text check (format in ('SOCKET', 'CABLE'));
alter table connectors add column power_type text check (power_type in ('AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'));
alter table connectors add column max_power_w integer check (max_power_w > 0);
alter table connectors add column max_voltage integer check (max_voltage > 0);
alter table connectors add column max_amperage integer check (max_amperage > 0);

-- OCPP 2.x ConnectorEnumType (what a station reports as Connector.ConnectorType in its device
-- model) -> OCPI ConnectorType and format, used when the operator has set no standard. Types
-- without an OCPI equivalent (s309-1P-32A, Pan, wInductive, Other*...) are absent: unknown type.
create table ocpp_connector_types (ocpp_type text primary key, standard text not null, format text not null);
insert into ocpp_connector_types (ocpp_type, standard, format) values
  ('cCCS1', 'IEC_62196_T1_COMBO', 'CABLE'),
  ('cCCS2', 'IEC_62196_T2_COMBO', 'CABLE'),
  ('cG105', 'CHADEMO', 'CABLE'),
  ('cTesla', 'TESLA_S', 'CABLE'),
  ('cType1', 'IEC_62196_T1', 'CABLE'),
  ('cType2', 'IEC_62196_T2', 'CABLE'),
  ('cChaoJi', 'CHAOJI', 'CABLE'),
  ('cGBT', 'GBT_DC', 'CABLE'),
  ('s309-1P-16A', 'IEC_60309_2_single_16', 'SOCKET'),
  ('s309-3P-16A', 'IEC_60309_2_three_16', 'SOCKET'),
  ('s309-3P-32A', 'IEC_60309_2_three_32', 'SOCKET'),
  ('sBS1361', 'DOMESTIC_G', 'SOCKET'),
  ('sCEE-7-7', 'DOMESTIC_F', 'SOCKET'),
  ('sType2', 'IEC_62196_T2', 'SOCKET'),
  ('sType3', 'IEC_62196_T3C', 'SOCKET');

-- Connectors as drivers see them: what the operator set, else what a 2.x station reported in its
-- device model (Connector.ConnectorType, EVSE.Power maxLimit in W).
create view connector_details as
select c.station_id, c.evse_id, c.connector_id, c.status, c.status_at,
  coalesce(c.standard, m.standard) as standard,
  coalesce(c.format, m.format) as format,
  c.power_type,
  coalesce(c.max_power_w, p.max_power_w) as max_power_w,
  c.max_voltage, c.max_amperage
from connectors c
left join lateral (
  select v.value from device_model_variables v
  where v.station_id = c.station_id and v.variable_name = 'ConnectorType' and v.component_name = 'Connector'
    and v.evse_id = c.evse_id and v.connector_id = c.connector_id and v.attribute_type = 'Actual'
  limit 1
) t on true
left join ocpp_connector_types m on m.ocpp_type = t.value
left join lateral (
  select round(v.max_limit)::integer as max_power_w from device_model_variables v
  where v.station_id = c.station_id and v.variable_name = 'Power' and v.component_name = 'EVSE'
    and v.evse_id = c.evse_id and v.max_limit is not null and v.max_limit > 0
  limit 1
) p on true
where c.evse_id > 0;
