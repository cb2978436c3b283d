import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { clientCertificate } from './tls-identity.js';

/** A TLS socket as far as the check looks at it. */
function socket(peer: object, authorized: boolean, authorizationError?: string): TLSSocket {
  return { getPeerCertificate: () => peer, authorized, authorizationError } as unknown as TLSSocket;
}
const raw = Buffer.from([0x30, 0x00]);

describe('client certificate identity', () => {
  it('is absent when the station sent no certificate', () => {
    assert.equal(clientCertificate(socket({}, false, 'UNABLE_TO_GET_ISSUER_CERT'), 'CP1'), undefined);
  });

  it('accepts a verified certificate whose only CN is the station id', () => {
    const r = clientCertificate(socket({ raw, subject: { CN: 'CP1' }, serialNumber: '0A', valid_to: 'Jan 1 00:00:00 2030 GMT' }, true), 'CP1');
    assert.ok(r?.ok);
    assert.equal(r.certificate.commonName, 'CP1');
  });

  it('refuses another station\'s name, several names, and certificates the CA did not sign', () => {
    const other = clientCertificate(socket({ raw, subject: { CN: 'CP2' } }, true), 'CP1');
    assert.match(other?.ok === false ? other.reason : '', /for "CP2", not for station CP1/);
    const two = clientCertificate(socket({ raw, subject: { CN: ['CP1', 'CP2'] } }, true), 'CP1');
    assert.equal(two?.ok, false);
    const unsigned = clientCertificate(socket({ raw, subject: { CN: 'CP1' } }, false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'CP1');
    assert.match(unsigned?.ok === false ? unsigned.reason : '', /not signed by the station CA/);
    const expired = clientCertificate(socket({ raw, subject: { CN: 'CP1' } }, false, 'CERT_HAS_EXPIRED'), 'CP1');
    assert.match(expired?.ok === false ? expired.reason : '', /expired \(CERT_HAS_EXPIRED\)/);
  });
});
