import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allows } from './auth.js';

describe('allows', () => {
  it('public and user routes admit every role; operator routes operators and admins; admin routes admins', () => {
    const table = (['public', 'user', 'operator', 'admin'] as const).map((access) => (['driver', 'operator', 'admin'] as const).map((role) => allows(access, role)));
    assert.deepEqual(table, [
      [true, true, true],
      [true, true, true],
      [false, true, true],
      [false, false, true],
    ]);
  });
});
