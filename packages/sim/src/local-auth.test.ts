import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LocalAuth } from './local-auth.js';

const accepted = { status: 'Accepted' as const };

describe('LocalAuth', () => {
  it('applies Full and Differential updates with version checks and limits', () => {
    const auth = new LocalAuth();
    assert.equal(auth.update({ listVersion: 2, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: accepted }] }, 250, 1000), 'Accepted');
    assert.equal(auth.update({ listVersion: 2, updateType: 'Differential', localAuthorizationList: [{ idTag: 'B', idTagInfo: accepted }] }, 250, 1000), 'VersionMismatch');
    assert.equal(auth.update({ listVersion: 3, updateType: 'Differential', localAuthorizationList: [{ idTag: 'B', idTagInfo: accepted }, { idTag: 'A' }] }, 250, 1000), 'Accepted');
    assert.deepEqual(auth.entries().map((e) => e.idTag), ['B']);
    assert.equal(auth.update({ listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'C', idTagInfo: accepted }] }, 250, 1), 'Failed');
    assert.equal(auth.version, 3);
    assert.equal(auth.update({ listVersion: 5, updateType: 'Full', localAuthorizationList: [{ idTag: 'X', idTagInfo: accepted }, { idTag: 'Y', idTagInfo: accepted }] }, 1, 1000), 'Failed');
  });

  it('looks up the list before the cache and expires entries', () => {
    const auth = new LocalAuth();
    auth.update({ listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'OLD', idTagInfo: { status: 'Accepted', expiryDate: '2000-01-01T00:00:00Z' } }] }, 250, 1000);
    assert.equal(auth.lookup('OLD', true, true)?.status, 'Expired');
    auth.remember('C', { status: 'Blocked' });
    assert.equal(auth.lookup('C', true, true)?.status, 'Blocked');
    assert.equal(auth.lookup('C', true, false), undefined);
    auth.clearCache();
    assert.equal(auth.lookup('C', true, true), undefined);
  });
});
