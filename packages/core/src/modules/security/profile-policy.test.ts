import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { achievedProfile, checkProfile } from './profile-policy.js';

const cert = { der: new Uint8Array([1]) };
const station = (profile: number, hasPassword = true, pending: number | null = null) => ({ profile, pending, hasPassword });

describe('security profile policy', () => {
  it('profile 0 checks a password only when one is set', () => {
    assert.deepEqual(checkProfile('CP', station(0, false), { password: undefined, tls: false }), { ok: true, checkPassword: false });
    assert.deepEqual(checkProfile('CP', station(0, true), { password: undefined, tls: false }), { ok: true, checkPassword: true });
  });

  it('profile 1 needs the password; a station without one is a configuration error', () => {
    assert.equal(checkProfile('CP', station(1), { password: undefined, tls: false }).ok, false);
    assert.deepEqual(checkProfile('CP', station(1), { password: 'p', tls: false }), { ok: true, checkPassword: true });
    const r = checkProfile('CP', station(1, false), { password: 'p', tls: false });
    assert.equal(r.ok === false && r.label, 'profile misconfigured');
  });

  it('profile 2 needs TLS and the password', () => {
    const plain = checkProfile('CP', station(2), { password: 'p', tls: false });
    assert.equal(plain.ok === false && plain.label, 'TLS required');
    assert.equal(plain.ok === false && plain.status, 403);
    const noPassword = checkProfile('CP', station(2), { password: undefined, tls: true });
    assert.equal(noPassword.ok === false && noPassword.label, 'bad password');
    assert.deepEqual(checkProfile('CP', station(2), { password: 'p', tls: true }), { ok: true, checkPassword: true });
  });

  it('profile 3 needs TLS and a client certificate, not the password', () => {
    const noCert = checkProfile('CP', station(3), { password: 'p', tls: true });
    assert.equal(noCert.ok === false && noCert.label, 'certificate required');
    assert.deepEqual(checkProfile('CP', station(3), { password: undefined, tls: true, clientCertificate: cert }), { ok: true, checkPassword: false });
    // A password sent anyway is still checked.
    assert.deepEqual(checkProfile('CP', station(3), { password: 'p', tls: true, clientCertificate: cert }), { ok: true, checkPassword: true });
  });

  it('a station told to move to profile 3 may connect with its certificate before the switch counts', () => {
    assert.deepEqual(checkProfile('CP', station(1, true, 3), { password: undefined, tls: true, clientCertificate: cert }), { ok: true, checkPassword: false });
    assert.equal(checkProfile('CP', station(1, true, 3), { password: undefined, tls: true }).ok, false);
  });

  it('names the profile a connection proves', () => {
    assert.equal(achievedProfile({ password: undefined, tls: true, clientCertificate: cert }, false), 3);
    assert.equal(achievedProfile({ password: 'p', tls: true }, true), 2);
    assert.equal(achievedProfile({ password: 'p', tls: false }, true), 1);
    assert.equal(achievedProfile({ password: undefined, tls: true }, false), 0);
  });
});
