-- OCPP 2.0.1/2.1 authorization (C) and transactions (E).

-- Id tokens: the 2.x IdTokenEnumType (null: any type matches, as for 1.6 idTags) and the
-- personal message shown to the driver ({format, language?, content}).
alter table id_tokens add column type text;
alter table id_tokens add column personal_message jsonb;
-- Id tokens are case insensitive (1.6 CiString, 2.x IdToken): looked up by lower(id_token).
create index id_tokens_lower on id_tokens (lower(id_token));

-- Transactions: 2.x ids are strings chosen by the station, unique per station.
create unique index transactions_ocpp_id on transactions (station_id, ocpp_transaction_id);
-- The 1.6 retried-StartTransaction dedupe applies to 1.6 transactions only: a 2.x transaction is
-- identified by its id, and two of them may share an EVSE, start time and (absent) token.
drop index transactions_start_dedupe;
create unique index transactions_start_dedupe on transactions (station_id, evse_id, started_at, coalesce(id_token, ''))
  where ocpp_transaction_id is null;
alter table transactions
  add column id_token_type text,             -- 2.x IdTokenEnumType of id_token
  add column seq_no integer,                 -- highest seqNo received
  add column trigger_reason text,            -- of the event with the highest seqNo
  add column charging_state text,            -- last chargingState reported
  add column remote_start_id integer,        -- RequestStartTransaction that started it
  add column time_spent_charging integer,    -- seconds, as last reported
  add column offline boolean not null default false;   -- some event happened while offline

-- Every TransactionEvent received, once per (transaction, seqNo): a retried event is stored once,
-- and gaps in seqNo show messages the station never delivered.
create table transaction_events (
  transaction_id bigint not null references transactions(id) on delete cascade,
  seq_no integer not null,
  event_type text not null,          -- Started | Updated | Ended
  trigger_reason text not null,
  ts timestamptz not null,
  offline boolean not null default false,
  charging_state text,
  id_token text,
  received_at timestamptz not null default now(),
  primary key (transaction_id, seq_no)
);
