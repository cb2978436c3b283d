import { it } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.js';

it('masks station passwords in logged commands and leaves everything else alone', () => {
  assert.deepEqual(redact('ChangeConfiguration', { key: 'AuthorizationKey', value: 'abc' }), { key: 'AuthorizationKey', value: '***' });
  assert.deepEqual(redact('ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }), { key: 'HeartbeatInterval', value: '60' });
  const set = redact('SetVariables', {
    setVariableData: [
      { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'secret-password-123' },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' },
    ],
  }) as { setVariableData: { attributeValue: string }[] };
  assert.deepEqual(set.setVariableData.map((d) => d.attributeValue), ['***', '60']);
});
