import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseStationPath } from './path.js';

it('takes the station id from /ocpp/{id} or the last segment below /ocpp/', () => {
  assert.deepEqual(parseStationPath('/ocpp/CP1'), { ok: true, stationId: 'CP1' });
  assert.deepEqual(parseStationPath('/ocpp/site/a/CP2?x=1'), { ok: true, stationId: 'CP2' });
  assert.deepEqual(parseStationPath('/ocpp/CP%2D3'), { ok: true, stationId: 'CP-3' });
});

it('refuses other paths, missing, long and malformed ids', () => {
  assert.equal(parseStationPath('/other/CP1').ok, false);
  assert.equal(parseStationPath('/ocpp/').ok, false);
  assert.equal(parseStationPath('/ocpp/' + 'x'.repeat(49)).ok, false);
  assert.equal(parseStationPath('/ocpp/%E0%A4%A').ok, false);
  assert.equal(parseStationPath('/ocpp/CP%201').ok, false);
});
