import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrLocation, evseId, NA, tokenType } from './builder.js';
import type { Transaction } from '../transactions/repository.js';

const tx = { id: 7, stationId: 'cp_01-b', evseId: 2, connectorId: 1 } as Transaction;

test('OCPP id token types map to OCPI token types; unknown and 1.6 tokens are OTHER', () => {
  assert.deepEqual(['ISO14443', 'ISO15693', 'Central', 'DirectPayment', 'eMAID', 'KeyCode', null].map(tokenType), ['RFID', 'RFID', 'APP_USER', 'AD_HOC_USER', 'OTHER', 'OTHER', 'OTHER']);
});

test('EVSE ids follow eMI3: only letters and digits in the outlet id', () => {
  assert.equal(evseId('NL', 'VLT', 'cp_01-b', 2), 'NL*VLT*ECP01B*2');
});

test('the location comes from the station and connector columns; what is missing is #NA', () => {
  const bare = cdrLocation(tx, { countryCode: 'NL', partyId: 'VLT', station: { id: 'cp_01-b' }, connector: undefined });
  assert.deepEqual(bare, {
    id: 'cp_01-b', address: NA, city: NA, country: NA, coordinates: { latitude: NA, longitude: NA }, evse_uid: 'cp_01-b-2',
    evse_id: 'NL*VLT*ECP01B*2', connector_id: '1', connector_standard: NA, connector_format: NA, connector_power_type: NA,
  });
  const full = cdrLocation(tx, {
    countryCode: 'NL', partyId: 'VLT',
    station: { name: 'Depot', address: 'Kade 1', city: 'Utrecht', postal_code: '3511 AA', country: 'NLD', latitude: 52.0907, longitude: 5.1214 },
    connector: { standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE' },
  });
  assert.deepEqual([full.name, full.address, full.city, full.postal_code, full.country, full.coordinates], ['Depot', 'Kade 1', 'Utrecht', '3511 AA', 'NLD', { latitude: '52.090700', longitude: '5.121400' }]);
  assert.deepEqual([full.connector_standard, full.connector_format, full.connector_power_type], ['IEC_62196_T2', 'SOCKET', 'AC_3_PHASE']);
});
