import type { Db, Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';

type Row = Record<string, unknown>;

/** A security event, reported by the station or raised by Voltlane (`source: 'csms'`). */
export interface SecurityEvent {
  id: number;
  stationId: string;
  source: 'station' | 'csms';
  type: string;
  at: string;
  techInfo: string | null;
  receivedAt: string;
}

/** Hash data of a certificate on a station, as OCPP identifies it. */
export interface InstalledCertificateRecord {
  certificateType: string;
  source: 'reported' | 'installed' | 'tls';
  hashAlgorithm: string | null;
  issuerNameHash: string | null;
  issuerKeyHash: string | null;
  serialNumber: string;
  childHashes?: unknown;
  subject?: string | null;
  issuer?: string | null;
  notAfter?: Date | null;
}

/** Stores an event for a registered station; returns false when the station does not exist. */
export async function insertSecurityEvent(
  db: Queryable,
  e: { stationId: string; source: 'station' | 'csms'; type: string; at: Date; techInfo?: string | undefined },
): Promise<boolean> {
  const r = await db.query(
    `insert into security_events (station_id, source, type, at, tech_info)
     select $1, $2, $3, $4, $5 where exists (select 1 from stations where id = $1)`,
    [e.stationId, e.source, e.type, e.at, e.techInfo ?? null],
  );
  return r.rowCount === 1;
}

/** Keeps the newest `keep` events of a station (a charger hammering with bad passwords stays bounded). */
export async function pruneSecurityEvents(db: Queryable, stationId: string, keep: number): Promise<void> {
  await db.query(
    `delete from security_events where station_id = $1 and id <= (
       select id from security_events where station_id = $1 order by id desc offset $2 limit 1)`,
    [stationId, keep],
  );
}

export async function listSecurityEvents(
  db: Queryable,
  stationId: string,
  f: { limit: number; offset: number; source?: string | undefined },
): Promise<{ items: SecurityEvent[]; total: number }> {
  const params: unknown[] = [stationId];
  const where = `station_id = $1${f.source ? ` and source = $${params.push(f.source)}` : ''}`;
  const total = await db.query<{ n: number }>(`select count(*)::int as n from security_events where ${where}`, params);
  const rows = await db.query(
    `select * from security_events where ${where} order by id desc limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return {
    total: total.rows[0]!.n,
    items: rows.rows.map((r) => ({
      id: num(r.id)!,
      stationId: r.station_id as string,
      source: r.source as SecurityEvent['source'],
      type: r.type as string,
      at: iso(r.at)!,
      techInfo: (r.tech_info as string) ?? null,
      receivedAt: iso(r.received_at)!,
    })),
  };
}

export async function insertIssued(
  db: Queryable,
  c: { stationId: string; certificateType: string; serialNumber: string; subject: string; issuer: string; notBefore: Date; notAfter: Date; pem: string },
): Promise<number> {
  const r = await db.query<{ id: unknown }>(
    `insert into issued_certificates (station_id, certificate_type, serial_number, subject, issuer, not_before, not_after, pem, status)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'Sent') returning id`,
    [c.stationId, c.certificateType, c.serialNumber, c.subject, c.issuer, c.notBefore, c.notAfter, c.pem],
  );
  return num(r.rows[0]!.id)!;
}

export async function setIssuedStatus(db: Queryable, id: number, status: string, info?: string): Promise<void> {
  await db.query('update issued_certificates set status = $2, status_info = $3, updated_at = now() where id = $1', [id, status, info ?? null]);
}

/** Certificates Voltlane issued; one station or all, optionally only those expiring before `before`. */
export async function listIssued(db: Queryable, f: { stationId?: string | undefined; before?: Date | undefined; limit: number; offset: number }): Promise<Row[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.stationId) where.push(`station_id = $${params.push(f.stationId)}`);
  if (f.before) where.push(`not_after < $${params.push(f.before)}`);
  const r = await db.query(
    `select id, station_id, certificate_type, serial_number, subject, issuer, not_before, not_after, status, status_info, revoked_at, revocation_reason, created_at
     from issued_certificates ${where.length ? `where ${where.join(' and ')}` : ''}
     order by ${f.stationId ? 'id desc' : 'not_after'} limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return r.rows;
}

/** Certificates on a station (reported, installed by us, presented in TLS). */
export async function listStationCertificates(db: Queryable, f: { stationId?: string | undefined; before?: Date | undefined; limit: number }): Promise<Row[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.stationId) where.push(`station_id = $${params.push(f.stationId)}`);
  if (f.before) where.push(`not_after < $${params.push(f.before)}`);
  const r = await db.query(
    `select * from station_certificates ${where.length ? `where ${where.join(' and ')}` : ''}
     order by ${f.stationId ? 'certificate_type, id' : 'not_after'} limit $${params.length + 1}`,
    [...params, f.limit],
  );
  return r.rows;
}

/** Adds (or refreshes) one certificate on a station, matched by type, serial and issuer name hash. */
export async function upsertStationCertificate(db: Db, stationId: string, c: InstalledCertificateRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `delete from station_certificates where station_id = $1 and certificate_type = $2 and serial_number = $3
         and (issuer_name_hash is null or $4::text is null or issuer_name_hash = $4)`,
      [stationId, c.certificateType, c.serialNumber, c.issuerNameHash],
    );
    await insertStationCertificates(tx, stationId, [c]);
  });
}

/** The client certificate seen in the TLS handshake: one per station, replaced by the next one. */
export async function setPresentedCertificate(db: Db, stationId: string, c: InstalledCertificateRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`delete from station_certificates where station_id = $1 and source = 'tls' and serial_number <> $2`, [stationId, c.serialNumber]);
    const same = await tx.query(`select 1 from station_certificates where station_id = $1 and source = 'tls'`, [stationId]);
    if (same.rowCount === 0) await insertStationCertificates(tx, stationId, [c]);
  });
}

/** Removes what DeleteCertificate removed: same serial and, when hashed alike, same issuer name hash. */
export async function deleteStationCertificate(
  db: Queryable,
  stationId: string,
  h: { hashAlgorithm: string; issuerNameHash: string; serialNumber: string },
): Promise<void> {
  await db.query(
    `delete from station_certificates where station_id = $1 and source <> 'tls' and serial_number = $2
       and (hash_algorithm is distinct from $3 or lower(issuer_name_hash) = lower($4))`,
    [stationId, h.serialNumber, h.hashAlgorithm, h.issuerNameHash],
  );
}

/**
 * Replaces what is known of the given types with the station's report (GetInstalledCertificateIds),
 * keeping subject and expiry of certificates we installed ourselves (the report only has hashes).
 */
export async function replaceReported(db: Db, stationId: string, types: string[], reported: InstalledCertificateRecord[]): Promise<void> {
  await db.transaction(async (tx) => {
    const old = await tx.query(
      `delete from station_certificates where station_id = $1 and source <> 'tls' and certificate_type = any($2::text[])
       returning serial_number, subject, issuer, not_after`,
      [stationId, types],
    );
    const known = new Map(old.rows.map((r) => [r.serial_number as string, r]));
    await insertStationCertificates(
      tx,
      stationId,
      reported.map((c) => {
        const k = known.get(c.serialNumber);
        return k ? { ...c, subject: k.subject as string, issuer: k.issuer as string, notAfter: k.not_after as Date } : c;
      }),
    );
  });
}

async function insertStationCertificates(db: Queryable, stationId: string, list: InstalledCertificateRecord[]): Promise<void> {
  for (const c of list) {
    await db.query(
      `insert into station_certificates (station_id, certificate_type, source, hash_algorithm, issuer_name_hash, issuer_key_hash,
         serial_number, child_hashes, subject, issuer, not_after)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [stationId, c.certificateType, c.source, c.hashAlgorithm, c.issuerNameHash, c.issuerKeyHash, c.serialNumber,
        c.childHashes === undefined ? null : JSON.stringify(c.childHashes), c.subject ?? null, c.issuer ?? null, c.notAfter ?? null],
    );
  }
}

/** Security profile columns of a station, or undefined when it is not registered. */
export async function findProfile(db: Queryable, stationId: string): Promise<{ profile: number; pending: number | null; hasPassword: boolean } | undefined> {
  const r = await db.query('select security_profile, pending_security_profile, password_hash from stations where id = $1', [stationId]);
  const row = r.rows[0];
  if (!row) return undefined;
  return { profile: num(row.security_profile) ?? 0, pending: num(row.pending_security_profile), hasPassword: row.password_hash != null };
}

export async function setPendingProfile(db: Queryable, stationId: string, pending: number | null): Promise<void> {
  await db.query('update stations set pending_security_profile = $2 where id = $1', [stationId, pending]);
}

/** The upgrade took effect: the station connected with the profile it was told to use. */
export async function completeProfileUpgrade(db: Queryable, stationId: string, profile: number): Promise<void> {
  await db.query(
    'update stations set security_profile = greatest(security_profile, $2), pending_security_profile = null, updated_at = now() where id = $1',
    [stationId, profile],
  );
}

/** SignedFirmwareStatusNotification (1.6 Security Whitepaper): the same column FirmwareStatusNotification sets. */
export async function setFirmwareStatus(db: Queryable, stationId: string, status: string, at: Date): Promise<void> {
  await db.query('update stations set firmware_status = $2, firmware_status_at = $3 where id = $1', [stationId, status, at]);
}

/** A certificate Voltlane issued, by serial number and issuer (the OCSP responder's question). */
export async function findIssuedBySerial(db: Queryable, serialNumber: string, issuer: string): Promise<{ revokedAt: Date | null; revocationReason: string | null } | undefined> {
  const r = await db.query<{ revoked_at: Date | string | null; revocation_reason: string | null }>(
    'select revoked_at, revocation_reason from issued_certificates where serial_number = $1 and issuer = $2 order by revoked_at nulls last limit 1',
    [serialNumber, issuer],
  );
  const row = r.rows[0];
  return row && { revokedAt: row.revoked_at ? new Date(row.revoked_at) : null, revocationReason: row.revocation_reason };
}

/** Marks a certificate issued to a station revoked (once); undefined when there is none with that serial. */
export async function revokeIssued(db: Queryable, stationId: string, serialNumber: string, reason: string): Promise<{ revokedAt: Date; revocationReason: string } | undefined> {
  await db.query(
    `update issued_certificates set revoked_at = now(), revocation_reason = $3, updated_at = now()
     where station_id = $1 and serial_number = $2 and revoked_at is null`,
    [stationId, serialNumber, reason],
  );
  const r = await db.query<{ revoked_at: Date | string; revocation_reason: string }>(
    'select revoked_at, revocation_reason from issued_certificates where station_id = $1 and serial_number = $2 and revoked_at is not null limit 1',
    [stationId, serialNumber],
  );
  const row = r.rows[0];
  return row && { revokedAt: new Date(row.revoked_at), revocationReason: row.revocation_reason };
}
