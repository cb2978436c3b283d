import { it } from 'node:test';
import assert from 'node:assert/strict';
import { toIdTagInfo, toIdTokenInfo2x } from './id-token-info.js';

it('maps the answer to 1.6: Unknown is Invalid, 2.x-only refusals are Blocked', () => {
  assert.deepEqual(toIdTagInfo({ status: 'Unknown' }), { status: 'Invalid' });
  for (const status of ['NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime'] as const) {
    assert.deepEqual(toIdTagInfo({ status }), { status: 'Blocked' });
  }
  assert.deepEqual(toIdTagInfo({ status: 'ConcurrentTx', expiresAt: '2030-01-01T00:00:00.000Z', parentIdToken: 'G', personalMessage: { format: 'UTF8', content: 'x' } }), {
    status: 'ConcurrentTx', expiryDate: '2030-01-01T00:00:00.000Z', parentIdTag: 'G',
  });
});

it('maps the answer to 2.x: expiry, group typed as registered (Central by default), personal message', () => {
  const info = { status: 'Accepted' as const, expiresAt: '2030-01-01T00:00:00.000Z', parentIdToken: 'G', personalMessage: { format: 'UTF8' as const, content: 'Hi' } };
  assert.deepEqual(toIdTokenInfo2x(info, 'ocpp2.0.1'), {
    status: 'Accepted', cacheExpiryDateTime: '2030-01-01T00:00:00.000Z', groupIdToken: { idToken: 'G', type: 'Central' }, personalMessage: { format: 'UTF8', content: 'Hi' },
  });
  assert.deepEqual(toIdTokenInfo2x({ status: 'Accepted', parentIdToken: 'G', parentIdTokenType: 'eMAID' }, 'ocpp2.0.1').groupIdToken, { idToken: 'G', type: 'eMAID' });
  // VIN exists in 2.1 only: a 2.0.1 station gets Central.
  assert.deepEqual(toIdTokenInfo2x({ status: 'Accepted', parentIdToken: 'G', parentIdTokenType: 'VIN' }, 'ocpp2.0.1').groupIdToken, { idToken: 'G', type: 'Central' });
  assert.deepEqual(toIdTokenInfo2x({ status: 'Accepted', parentIdToken: 'G', parentIdTokenType: 'VIN' }, 'ocpp2.1').groupIdToken, { idToken: 'G', type: 'VIN' });
  assert.deepEqual(toIdTokenInfo2x({ status: 'Unknown' }, 'ocpp2.1'), { status: 'Unknown' });
});
