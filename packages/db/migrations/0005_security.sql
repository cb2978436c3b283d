-- Security (OCPP 2.0.1 blocks A and M, OCPP 1.6 Security Whitepaper): per-station security profile,
-- security events, certificates Voltlane issued and certificates stations report as installed.

-- 0: no authentication, 1: HTTP Basic password, 2: TLS + password, 3: TLS + client certificate.
alter table stations add column security_profile smallint not null default 0 check (security_profile between 0 and 3);
-- Profile a station was told to move to (SetNetworkProfile / ChangeConfiguration SecurityProfile):
-- becomes security_profile once the station connects with it (A05: no way back down after that).
alter table stations add column pending_security_profile smallint check (pending_security_profile between 1 and 3);
-- Stations registered with a password before profiles existed were using profile 1.
update stations set security_profile = 1 where password_hash is not null;

create table security_events (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  source text not null,                  -- station (SecurityEventNotification) | csms (Voltlane's own, e.g. refused connections)
  type text not null,
  at timestamptz not null,
  tech_info text,
  received_at timestamptz not null default now()
);
create index security_events_station on security_events (station_id, id desc);

-- Certificates Voltlane's CA signed for stations (SignCertificate -> CertificateSigned).
create table issued_certificates (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  certificate_type text not null,        -- ChargingStationCertificate | V2GCertificate
  serial_number text not null,           -- hex, lower case, no leading zeroes
  subject text not null, issuer text not null,
  not_before timestamptz not null, not_after timestamptz not null,
  pem text not null,
  status text not null,                  -- Sent | Accepted | Rejected (the station's CertificateSigned reply) | Failed
  status_info text,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now()
);
create index issued_certificates_station on issued_certificates (station_id, id desc);
create index issued_certificates_expiry on issued_certificates (not_after);

-- Certificates a station has: as it reported them (GetInstalledCertificateIds), as it accepted them
-- (InstallCertificate), or the client certificate it presented in the TLS handshake.
create table station_certificates (
  id bigserial primary key,
  station_id text not null references stations(id) on delete cascade,
  certificate_type text not null,
  source text not null,                  -- reported | installed | tls
  hash_algorithm text, issuer_name_hash text, issuer_key_hash text,
  serial_number text not null,
  child_hashes jsonb,                    -- 2.0.1 childCertificateHashData
  subject text, issuer text, not_after timestamptz,
  updated_at timestamptz not null default now()
);
create index station_certificates_station on station_certificates (station_id, certificate_type);
create index station_certificates_expiry on station_certificates (not_after) where not_after is not null;
