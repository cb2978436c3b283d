-- Issue 3 remainder: certificate revocation for the built-in OCSP responder (M06), network
-- connection profiles sent with SetNetworkProfile (B09), and the tariffs a running transaction
-- was priced with when its tariff changed (I06).

-- Certificates Voltlane issued can be revoked; its OCSP responder answers "revoked" from then on.
alter table issued_certificates add column revoked_at timestamptz;
alter table issued_certificates add column revocation_reason text;  -- RFC 5280 CRLReason name, e.g. keyCompromise
create index issued_certificates_serial on issued_certificates (serial_number);

-- B09: the connection profile sent to each configuration slot of a station and the station's answer.
-- Secrets (VPN password/key, APN password, SIM PIN) are stored masked.
create table network_profiles (
  station_id text not null references stations(id) on delete cascade,
  configuration_slot integer not null,
  connection_data jsonb not null,
  status text not null,                  -- Accepted | Rejected | Failed (the station's SetNetworkProfile reply)
  status_info jsonb,
  updated_at timestamptz not null default now(),
  primary key (station_id, configuration_slot)
);

-- I06: a transaction's tariff periods, written only when the tariff that applies to a running
-- transaction changes. Period n applies from starts_at until the next period's starts_at. The
-- tariff is a snapshot (later edits of the tariff start a new period, never rewrite an old one).
-- tariff null: no tariff applied in that period (free). announced: the new tariff's text went to
-- the station (TransactionEventResponse.updatedPersonalMessage).
create table transaction_tariff_periods (
  transaction_id bigint not null references transactions(id) on delete cascade,
  seq integer not null,
  starts_at timestamptz not null,
  tariff_id text,
  tariff jsonb,
  time_zone text not null default 'UTC',
  announced boolean not null default false,
  primary key (transaction_id, seq)
);
