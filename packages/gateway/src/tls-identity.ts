import type { TLSSocket } from 'node:tls';

/** A client certificate that passed the gateway's checks, as the TLS handshake presented it. */
export interface ClientCertificate {
  /** DER encoding, for the core to record (serial, expiry, hash data). */
  der: Uint8Array;
  commonName: string;
  serialNumber: string;
  notAfter: string;
}

export type ClientCertificateCheck = { ok: true; certificate: ClientCertificate } | { ok: false; reason: string };

/** OpenSSL verification codes, said the way an operator can act on them. */
const VERIFY_ERRORS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is not signed by the station CA (VOLTLANE_TLS_CA)',
  UNABLE_TO_GET_ISSUER_CERT: 'it is not signed by the station CA (VOLTLANE_TLS_CA)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is not signed by the station CA (VOLTLANE_TLS_CA)',
  SELF_SIGNED_CERT_IN_CHAIN: 'it chains to a root that is not the station CA (VOLTLANE_TLS_CA)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed, not signed by the station CA (VOLTLANE_TLS_CA)',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet (check the station clock)',
  INVALID_PURPOSE: 'it is not a TLS client certificate (extended key usage)',
  CERT_SIGNATURE_FAILURE: 'its signature is invalid',
};

/**
 * Checks the client certificate of a TLS connection (security profile 3): it must chain to the
 * station CA (verified by the TLS stack, which requests certificates when VOLTLANE_TLS_CA is set) and
 * its subject CN must be the station id of the URL. Undefined when the station sent no certificate.
 * @example const c = clientCertificate(req.socket as TLSSocket, 'CP1'); if (c && !c.ok) refuse(c.reason);
 */
export function clientCertificate(socket: TLSSocket, stationId: string): ClientCertificateCheck | undefined {
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw) return undefined;
  const cns = commonNames(peer.subject?.CN);
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'unknown');
    return { ok: false, reason: `Client certificate "${cns.join(', ')}" refused: ${VERIFY_ERRORS[code] ?? 'verification failed'} (${code})` };
  }
  if (cns.length !== 1 || cns[0] !== stationId) {
    return { ok: false, reason: `Client certificate is for "${cns.join(', ')}", not for station ${stationId}: a station connects with its own certificate only` };
  }
  return { ok: true, certificate: { der: new Uint8Array(peer.raw), commonName: cns[0], serialNumber: peer.serialNumber, notAfter: peer.valid_to } };
}

function commonNames(cn: string | string[] | undefined): string[] {
  if (cn === undefined) return [];
  return Array.isArray(cn) ? cn : [cn];
}
