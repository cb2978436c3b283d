import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvField } from './driver.js';

describe('csvField', () => {
  it('quotes per RFC 4180 and leaves plain values alone', () => {
    assert.equal(csvField('CP-1'), 'CP-1');
    assert.equal(csvField(1500), '1500');
    assert.equal(csvField(null), '');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
  });

  it('keeps text that looks like a spreadsheet formula from running as one', () => {
    assert.equal(csvField('=HYPERLINK("http://evil")'), '"\'=HYPERLINK(""http://evil"")"');
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField(-5), '-5', 'numbers are not text');
  });
});
