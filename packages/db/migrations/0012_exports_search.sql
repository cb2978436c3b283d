-- Issue 6: export jobs (CSV/XLSX in the background) and search (full text + trigrams).

-- pg_trgm is database-wide: keep it in public, which every Voltlane search_path includes, so
-- schemas share it. Two schemas migrating at once may both try to create it: one wins.
do $$
begin
  create extension if not exists pg_trgm schema public;
exception when unique_violation or duplicate_object then null;
end $$;

-- Export jobs. The file is <exportDir>/<id>.<format>; progress = rows / total_rows.
create table exports (
  id bigserial primary key,
  kind text not null check (kind in ('sessions', 'cdrs', 'meter-values')),
  format text not null check (format in ('csv', 'xlsx')),
  filter jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  rows bigint not null default 0,
  total_rows bigint,
  size_bytes bigint,
  error text,
  created_by bigint references users(id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz      -- a running job's node touches this; a stale one was interrupted
);
create index exports_queued on exports (id) where status = 'queued';

-- Search. One trigram index per table over the text people type (typos, partial ids; trigrams are
-- case-insensitive), so a search is one index condition per kind of match: with one OR-ed condition
-- per field PostgreSQL prefers a sequential scan computing similarities for every row, which is
-- slow. packages/core/src/modules/search/sql.ts builds the same expressions.
create index stations_search_lower_id on stations (lower(id));
create index id_tokens_search on id_tokens using gin ((id_token || ' ' || coalesce(parent_id_token, '')) gin_trgm_ops);
create index users_search on users using gin ((email || ' ' || coalesce(name, '')) gin_trgm_ops);
create index users_search_fts on users using gin (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(email, '')));
-- Sessions (the big table): exact token (newest first) and 2.x transaction ids by prefix; btree
-- only, trigrams over millions of UUIDs would match too much. Sessions of a station use
-- transactions_station_status.
create index transactions_search_token on transactions (lower(id_token), id);
create index transactions_search_ocpp_id on transactions (lower(ocpp_transaction_id) text_pattern_ops) where ocpp_transaction_id is not null;

-- Stations: the trigram text (ids, serials, vendor, model) for substrings, one trigram index per
-- field for typos, and the full-text words (vendor, model), all with the name/address columns when
-- the schema has them (migration 0010).
create index stations_search_id on stations using gin (id gin_trgm_ops);
create index stations_search_serial on stations using gin (serial_number gin_trgm_ops);
create index stations_search_cb_serial on stations using gin (charge_box_serial_number gin_trgm_ops);
create index stations_search_vendor on stations using gin (vendor gin_trgm_ops);
create index stations_search_model on stations using gin (model gin_trgm_ops);
do $$
declare
  trgm text := $d$id || ' ' || coalesce(serial_number, '') || ' ' || coalesce(charge_box_serial_number, '') || ' ' || coalesce(vendor, '') || ' ' || coalesce(model, '')$d$;
  words text := $d$coalesce(vendor, '') || ' ' || coalesce(model, '')$d$;
  col text;
begin
  foreach col in array array['name', 'address', 'city', 'postal_code'] loop
    if exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'stations'
               and column_name = col and data_type in ('text', 'character varying')) then
      trgm := trgm || format($d$ || ' ' || coalesce(%I, '')$d$, col);
      words := words || format($d$ || ' ' || coalesce(%I, '')$d$, col);
      execute format('create index stations_search_%s on stations using gin (%I gin_trgm_ops)', col, col);
    end if;
  end loop;
  execute format('create index stations_search on stations using gin ((%s) gin_trgm_ops)', trgm);
  execute format($d$create index stations_search_fts on stations using gin (to_tsvector('simple', %s))$d$, words);
end $$;

-- CDRs (migration 0011) when present: ids by trigram, by session (credit CDRs too; tokens use cdrs_id_token).
do $$
begin
  if exists (select 1 from information_schema.tables where table_schema = current_schema() and table_name = 'cdrs') then
    execute 'create index cdrs_search_id on cdrs using gin (id gin_trgm_ops)';
    execute 'create index cdrs_search_transaction on cdrs (transaction_id)';
  end if;
end $$;

-- Statistics for the new expression indexes, so the planner sees how selective they are.
analyze stations;
analyze id_tokens;
analyze users;
analyze transactions;
