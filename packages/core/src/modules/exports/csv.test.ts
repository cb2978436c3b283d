import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, CsvRecordCounter, type CsvRecord } from './csv.js';

const SAMPLE = 'id,v,w\n1,plain,\n2,"a,b ""q""",""\n3,"line\nbreak",é€\n';
const EXPECTED: CsvRecord[] = [['id', 'v', 'w'], ['1', 'plain', null], ['2', 'a,b "q"', ''], ['3', 'line\nbreak', 'é€']];

/** Every way of cutting the sample's bytes in two. */
function* splits(bytes: Buffer): Generator<Buffer[]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}

describe('CsvParser', () => {
  it('parses COPY CSV: quotes, doubled quotes, NULL vs empty, line breaks in fields, UTF-8, wherever chunks split', () => {
    const bytes = Buffer.from(SAMPLE, 'utf8');
    for (const parts of splits(bytes)) {
      const p = new CsvParser();
      const got = parts.flatMap((c) => p.push(c));
      p.end();
      assert.deepEqual(got, EXPECTED);
    }
  });

  it('fails on a record left open or malformed', () => {
    const p = new CsvParser();
    p.push(Buffer.from('1,"open\n'));
    assert.throws(() => p.end(), /ends inside a record/);
    assert.throws(() => new CsvParser().push(Buffer.from('1,"a"b\n')), /Malformed CSV/);
  });
});

describe('CsvRecordCounter', () => {
  it('counts records, not line breaks inside quotes, wherever chunks split', () => {
    for (const parts of splits(Buffer.from(SAMPLE))) {
      const c = new CsvRecordCounter();
      for (const part of parts) c.push(part);
      assert.equal(c.records, 4);
    }
  });
});
