-- Tariffs (OCPI 2.2.1 Tariff objects) and their assignment to stations, EVSEs and id token groups;
-- the final cost of completed transactions.

create table tariffs (
  id text primary key,
  currency text not null,          -- ISO 4217, copied from the tariff for queries
  tariff jsonb not null,           -- the OCPI Tariff as received (prices as JSON numbers or decimal strings)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Which tariff applies where. The most specific assignment wins:
-- EVSE + id token group > EVSE > station + id token group > station.
-- time_zone (IANA) is the location's: tariff start_time/end_time/dates/weekdays are local to it.
create table tariff_assignments (
  station_id text not null references stations(id) on delete cascade,
  evse_id integer,                 -- null: every EVSE of the station
  id_token_group text,             -- parent id token of the driver's token; null: every driver
  tariff_id text not null references tariffs(id) on delete cascade,
  time_zone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index tariff_assignments_scope on tariff_assignments (station_id, coalesce(evse_id, -1), coalesce(id_token_group, ''));

-- Cost of a completed transaction, fixed when it stops (null: no tariff applied).
alter table transactions
  add column tariff_id text,
  add column cost_currency text,
  add column cost_excl_vat numeric,
  add column cost_incl_vat numeric;
