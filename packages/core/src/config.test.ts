import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

describe('TLS settings', () => {
  it('are off by default, and the public URL follows TLS', () => {
    const c = loadConfig({});
    assert.equal(c.tlsCert, undefined);
    assert.match(c.publicUrl, /^http:/);
    assert.match(loadConfig({ VOLTLANE_TLS_CERT: 'a.pem', VOLTLANE_TLS_KEY: 'k.pem' }).publicUrl, /^https:/);
  });

  it('refuse settings that only work together when one is missing', () => {
    assert.throws(() => loadConfig({ VOLTLANE_TLS_CERT: 'a.pem' }), ConfigError);
    assert.throws(() => loadConfig({ VOLTLANE_TLS_CA: 'ca.pem' }), /needs TLS/);
    assert.throws(() => loadConfig({ VOLTLANE_TLS_CERT: 'a.pem', VOLTLANE_TLS_KEY: 'k.pem', VOLTLANE_TLS_CA_KEY: 'x' }), /set VOLTLANE_TLS_CA too/);
    assert.throws(() => loadConfig({ VOLTLANE_V2G_CA_CERT: 'v.pem' }), ConfigError);
    assert.throws(() => loadConfig({ VOLTLANE_CERT_VALIDITY_DAYS: '0' }), /VOLTLANE_CERT_VALIDITY_DAYS/);
  });
});
