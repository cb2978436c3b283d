-- Billing (issue 6): CDRs (OCPI 2.2.1, immutable), invoices numbered gaplessly per series and year,
-- payments (manual bank transfer, Stripe).

-- One CDR per completed transaction, sealed: the OCPI object is stored once in `cdr`; the other
-- columns are copies for filtering, exports and search. A correction is a credit CDR (credit =
-- true, credit_reference_id = the original), never an update. No foreign keys: a CDR outlives the
-- station, transaction, id token or user it names.
create table cdrs (
  id text primary key,                       -- OCPI CDR.id
  transaction_id bigint not null,
  station_id text not null,
  id_token text,
  user_id bigint,                            -- the driver owning the id token when the session ended
  id_token_group text,                       -- parent id token (partner contract) when the session ended
  currency text not null,
  total_excl_vat numeric not null,
  total_incl_vat numeric not null,
  energy_wh numeric not null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  credit boolean not null default false,
  credit_reference_id text,
  vat jsonb not null default '[]',           -- [{rate, exclVat, inclVat}]: total_cost split by VAT rate, for invoices
  cdr jsonb not null,
  created_at timestamptz not null default now()
);
create unique index cdrs_one_per_transaction on cdrs (transaction_id) where not credit;
create unique index cdrs_one_credit on cdrs (credit_reference_id) where credit;
create index cdrs_ended on cdrs (ended_at);
create index cdrs_user_ended on cdrs (user_id, ended_at) where user_id is not null;
create index cdrs_group_ended on cdrs (id_token_group, ended_at) where id_token_group is not null;
create index cdrs_station_ended on cdrs (station_id, ended_at);
create index cdrs_id_token on cdrs (lower(id_token));

create function cdrs_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'CDRs are immutable: correct one with a credit CDR (POST /api/v1/cdrs/{id}/credit)';
end $$;
create trigger cdrs_append_only before update or delete on cdrs for each row execute function cdrs_append_only();

-- Gapless invoice numbers: the counter row of a series and year is locked by the transaction that
-- issues an invoice, so a number is only used if that invoice is stored.
create table invoice_counters (
  series text not null,
  year integer not null,
  last_number integer not null,
  primary key (series, year)
);

create table invoices (
  id bigserial primary key,
  number text not null unique,               -- e.g. VL-2026-000001
  series text not null,
  year integer not null,
  seq integer not null,
  customer_kind text not null check (customer_kind in ('user', 'group')),
  user_id bigint,                            -- customer_kind user: a user (driver)
  id_token_group text,                       -- customer_kind group: a partner (id token group)
  buyer jsonb not null,                      -- name, email as at issue
  seller jsonb not null,                     -- VOLTLANE_INVOICE_* as at issue
  period_start timestamptz not null,
  period_end timestamptz not null,           -- exclusive
  currency text not null,
  lines jsonb not null,                      -- InvoiceLine[]
  vat_lines jsonb not null,                  -- VatLine[]
  total_excl_vat numeric not null,
  total_vat numeric not null,
  total_incl_vat numeric not null,
  amount_paid numeric not null default 0,
  status text not null default 'open' check (status in ('open', 'partially_paid', 'paid')),
  issued_at timestamptz not null default now(),
  due_at timestamptz not null,
  paid_at timestamptz,
  unique (series, year, seq)
);
create unique index invoices_customer_period on invoices (customer_kind, coalesce(user_id, 0), coalesce(id_token_group, ''), period_start, period_end, currency);
create index invoices_user on invoices (user_id, issued_at) where user_id is not null;

-- A CDR is invoiced once.
create table invoice_cdrs (
  cdr_id text primary key,
  invoice_id bigint not null references invoices(id)
);
create index invoice_cdrs_invoice on invoice_cdrs (invoice_id);

create table payments (
  id bigserial primary key,
  invoice_id bigint not null references invoices(id),
  provider text not null,                    -- manual | stripe
  provider_ref text,                         -- Stripe PaymentIntent id
  status text not null check (status in ('pending', 'succeeded', 'failed', 'canceled')),
  amount numeric not null,                   -- requested (Stripe) or received (manual), main unit
  amount_received numeric not null default 0,
  currency text not null,
  reference text,                            -- bank transfer reference given by the operator
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index payments_provider_ref on payments (provider, provider_ref) where provider_ref is not null;
create index payments_invoice on payments (invoice_id);

-- Webhook events already applied (a provider may deliver one several times).
create table payment_events (
  provider text not null,
  event_id text not null,
  received_at timestamptz not null default now(),
  primary key (provider, event_id)
);
