import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceModel, VARIABLES, keyOf, validValue, type VarDef } from './device-model.js';

const host = { evses: 2, live: (key: string, evseId: number) => (key === 'EVSE.Power' ? String(evseId * 1000) : undefined) };
const def = (component: string, variable: string) => VARIABLES.find((d) => d.component === component && d.variable === variable) as VarDef;

describe('DeviceModel', () => {
  it('validates values by data type, limits and lists', () => {
    assert.equal(validValue(def('OCPPCommCtrlr', 'HeartbeatInterval'), '60'), true);
    assert.equal(validValue(def('OCPPCommCtrlr', 'HeartbeatInterval'), '-1'), false);
    assert.equal(validValue(def('OCPPCommCtrlr', 'HeartbeatInterval'), '1.5'), false);
    assert.equal(validValue(def('AuthCtrlr', 'Enabled'), 'yes'), false);
    assert.equal(validValue(def('TxCtrlr', 'TxStartPoint'), 'EVConnected,Authorized'), true);
    assert.equal(validValue(def('TxCtrlr', 'TxStartPoint'), 'EVConnected,EVConnected'), false);
    assert.equal(validValue(def('SampledDataCtrlr', 'TxUpdatedMeasurands'), ''), true);
    assert.equal(validValue(def('SecurityCtrlr', 'BasicAuthPassword'), 'x'.repeat(15)), false);
    assert.equal(validValue(def('SecurityCtrlr', 'BasicAuthPassword'), 'x'.repeat(16)), true);
    assert.equal(validValue(def('SecurityCtrlr', 'BasicAuthPassword'), 'x'.repeat(41)), false);
  });

  it('locates station, EVSE and connector variables; keeps overrides per station', () => {
    const a = new DeviceModel(host);
    const b = new DeviceModel(host, { 'OCPPCommCtrlr.HeartbeatInterval': '10' });
    assert.equal(a.int('OCPPCommCtrlr', 'HeartbeatInterval'), 300);
    assert.equal(b.int('OCPPCommCtrlr', 'HeartbeatInterval'), 10);
    assert.equal(a.locate({ name: 'EVSE' }, { name: 'Power' }), 'UnknownComponent', 'EVSE needs an evse');
    assert.equal(a.locate({ name: 'EVSE', evse: { id: 3 } }, { name: 'Power' }), 'UnknownComponent');
    assert.equal(a.locate({ name: 'OCPPCommCtrlr', evse: { id: 1 } }, { name: 'HeartbeatInterval' }), 'UnknownComponent');
    assert.equal(a.locate({ name: 'OCPPCommCtrlr', instance: 'x' }, { name: 'HeartbeatInterval' }), 'UnknownComponent');
    assert.equal(a.locate({ name: 'OCPPCommCtrlr' }, { name: 'MessageAttempts' }), 'UnknownVariable', 'the instance is part of the name');
    const power = a.locate({ name: 'EVSE', evse: { id: 2 } }, { name: 'Power' });
    assert.ok(typeof power !== 'string');
    assert.equal(power.key, 'EVSE#2.Power');
    assert.equal(a.read(power), '2000');
    const type = a.locate({ name: 'Connector', evse: { id: 1, connectorId: 1 } }, { name: 'ConnectorType' });
    assert.ok(typeof type !== 'string' && type.key === 'Connector#1/1.ConnectorType');
    assert.deepEqual(a.change({ component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' }, attributeValue: 'Authorized' }), { status: 'Accepted', key: 'TxCtrlr.TxStartPoint' });
    assert.deepEqual(a.list('TxCtrlr', 'TxStartPoint'), ['Authorized']);
    assert.equal(keyOf('OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent'), 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]');
  });

  it('lists EVSE variables once per EVSE and reports write-only ones without a value', () => {
    const m = new DeviceModel(host);
    const all = [...m.all()];
    assert.equal(all.filter((l) => l.def.component === 'EVSE' && l.def.variable === 'Power').length, 2);
    const pw = all.find((l) => l.def.variable === 'BasicAuthPassword')!;
    assert.equal(m.reportData(pw).variableAttribute[0].value, undefined);
    assert.equal(m.toRecord()['SecurityCtrlr.BasicAuthPassword'], undefined);
    assert.equal(m.toRecord()['EVSE#1.Power'], '1000');
  });
});
