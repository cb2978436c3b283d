/** What the gateway saw of a connection attempt, after its own identity checks. */
export interface ConnectionFacts {
  /** HTTP Basic password (the user was already checked to be the station id). */
  password: string | undefined;
  /** The connection came over TLS (wss://). */
  tls: boolean;
  /** A client certificate that chains to the station CA and whose CN is the station id. */
  clientCertificate?: { der: Uint8Array } | undefined;
}

/** The stored security settings of a registered station. */
export interface StationProfile {
  profile: number;
  pending: number | null;
  hasPassword: boolean;
}

/** Why a connection is refused: HTTP status, text for the station, label for the inspector. */
export interface Refusal {
  ok: false;
  status: 401 | 403;
  reason: string;
  label: 'bad password' | 'TLS required' | 'certificate required' | 'profile misconfigured';
}

export type ProfileDecision = { ok: true; checkPassword: boolean } | Refusal;

/**
 * Which security profile a connection proves: 3 with a valid client certificate over TLS, 2 with TLS and
 * a password, 1 with a password, else 0. (`passwordOk`: the password was verified.)
 */
export function achievedProfile(f: ConnectionFacts, passwordOk: boolean): number {
  if (f.tls && f.clientCertificate) return 3;
  if (passwordOk) return f.tls ? 2 : 1;
  return 0;
}

/**
 * The per-station security profile rules (OCPP 2.0.1 part 2 A00, 1.6 Security Whitepaper section 2):
 * 1 needs the password, 2 needs TLS and the password, 3 needs TLS and a client certificate. A station
 * told to move up (pending) may already connect the new way. A password that was set is checked
 * whenever one is sent, whatever the profile.
 */
export function checkProfile(stationId: string, s: StationProfile, f: ConnectionFacts): ProfileDecision {
  const required = s.pending === 3 && f.tls && f.clientCertificate ? 3 : s.profile;
  if (required >= 2 && !f.tls) {
    return refuse(403, 'TLS required', `Station ${stationId} uses security profile ${required}: connect with wss:// (TLS)`);
  }
  if (required === 3) {
    if (!f.clientCertificate) {
      return refuse(401, 'certificate required', `Station ${stationId} uses security profile 3: present a client certificate signed by the station CA`);
    }
    return { ok: true, checkPassword: f.password !== undefined && s.hasPassword };
  }
  if (required >= 1 && !s.hasPassword) {
    return refuse(403, 'profile misconfigured', `Station ${stationId} uses security profile ${required} but has no password: the operator must set one`);
  }
  if (required >= 1 && f.password === undefined) {
    return refuse(401, 'bad password', 'This station requires HTTP Basic authentication');
  }
  return { ok: true, checkPassword: s.hasPassword };
}

function refuse(status: 401 | 403, label: Refusal['label'], reason: string): Refusal {
  return { ok: false, status, reason, label };
}
