import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Configuration } from './configuration.js';

describe('Configuration', () => {
  it('answers ChangeConfiguration like a 1.6 charger', () => {
    const cfg = new Configuration({ NumberOfConnectors: '2' });
    assert.equal(cfg.change('HeartbeatInterval', '60'), 'Accepted');
    assert.equal(cfg.int('HeartbeatInterval'), 60);
    assert.equal(cfg.change('NumberOfConnectors', '3'), 'Rejected');
    assert.equal(cfg.change('SupportedFeatureProfiles', 'Core'), 'Rejected');
    assert.equal(cfg.change('Unknown', '1'), 'NotSupported');
    assert.equal(cfg.change('LocalPreAuthorize', 'yes'), 'Rejected');
    assert.equal(cfg.change('LocalPreAuthorize', 'false'), 'Accepted');
    assert.equal(cfg.bool('LocalPreAuthorize'), false);
    assert.equal(cfg.change('MeterValueSampleInterval', '-5'), 'Rejected');
    assert.equal(cfg.change('StopTxnSampledData', ''), 'Accepted');
    assert.deepEqual(cfg.list('StopTxnSampledData'), []);
  });

  it('reports keys, unknown keys and hides write-only values', () => {
    const cfg = new Configuration();
    cfg.change('AuthorizationKey', 'super-secret-key-0001');
    const { configurationKey, unknownKey } = cfg.report(['AuthorizationKey', 'ResetRetries', 'Foo']);
    assert.deepEqual(configurationKey, [
      { key: 'AuthorizationKey', readonly: false },
      { key: 'ResetRetries', readonly: false, value: '3' },
    ]);
    assert.deepEqual(unknownKey, ['Foo']);
    assert.equal(cfg.get('AuthorizationKey'), 'super-secret-key-0001');
    assert.equal('AuthorizationKey' in cfg.toRecord(), false);
  });

  it('keeps per-station values apart from the shared defaults', () => {
    const a = new Configuration();
    const b = new Configuration();
    a.change('ConnectionTimeOut', '10');
    assert.equal(a.get('ConnectionTimeOut'), '10');
    assert.equal(b.get('ConnectionTimeOut'), '60');
  });
});
