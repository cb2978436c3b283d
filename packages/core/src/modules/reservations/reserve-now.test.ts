import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reserveNowRequest } from './reserve-now.js';

describe('reserveNowRequest', () => {
  const expiresAt = '2030-01-01T00:00:00.000Z';

  it('speaks 1.6 to 1.6 stations and to stations that never connected', () => {
    for (const v of ['ocpp1.6', null]) {
      assert.deepEqual(reserveNowRequest(v, 5, { connectorId: 2, idToken: 'TAG', expiresAt, parentIdToken: 'FLEET', idTokenType: 'eMAID' }), {
        connectorId: 2, expiryDate: expiresAt, idTag: 'TAG', reservationId: 5, parentIdTag: 'FLEET',
      });
    }
  });

  it('speaks 2.x to 2.0.1 and 2.1 stations: EVSE, typed token, any EVSE when 0', () => {
    for (const v of ['ocpp2.0.1', 'ocpp2.1']) {
      assert.deepEqual(reserveNowRequest(v, 6, { connectorId: 1, idToken: 'TAG', expiresAt, connectorType: 'cCCS2' }), {
        id: 6, expiryDateTime: expiresAt, idToken: { idToken: 'TAG', type: 'ISO14443' }, evseId: 1, connectorType: 'cCCS2',
      });
      assert.deepEqual(reserveNowRequest(v, 7, { connectorId: 0, idToken: 'TAG', idTokenType: 'eMAID', expiresAt, parentIdToken: 'FLEET' }), {
        id: 7, expiryDateTime: expiresAt, idToken: { idToken: 'TAG', type: 'eMAID' }, groupIdToken: { idToken: 'FLEET', type: 'Central' },
      });
    }
  });
});
