import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stationAvailability } from './availability.js';

const on = { online: true, status: null };

describe('stationAvailability', () => {
  it('is offline when the station is not connected, whatever its connectors say', () => {
    assert.equal(stationAvailability({ online: false, status: null }, [{ status: 'Available' }]), 'offline');
  });
  it('a station-wide Faulted or Unavailable status wins over connector statuses', () => {
    assert.equal(stationAvailability({ online: true, status: 'Faulted' }, [{ status: 'Available' }]), 'faulted');
    assert.equal(stationAvailability({ online: true, status: 'Unavailable' }, [{ status: 'Available' }]), 'unavailable');
  });
  it('one available connector makes the station available', () => {
    assert.equal(stationAvailability(on, [{ status: 'Charging' }, { status: 'Available' }]), 'available');
  });
  it('busy connectors (1.6 and 2.x statuses) make it charging', () => {
    for (const status of ['Charging', 'Occupied', 'Preparing', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved']) {
      assert.equal(stationAvailability(on, [{ status }, { status: 'Faulted' }]), 'charging', status);
    }
  });
  it('only faulted connectors: faulted; unknown or unavailable ones: unavailable', () => {
    assert.equal(stationAvailability(on, [{ status: 'Faulted' }, { status: 'Unavailable' }]), 'faulted');
    assert.equal(stationAvailability(on, [{ status: 'Unavailable' }]), 'unavailable');
    assert.equal(stationAvailability(on, [{ status: null }]), 'unavailable');
    assert.equal(stationAvailability(on, []), 'unavailable');
  });
});
