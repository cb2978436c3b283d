import { StringDecoder } from 'node:string_decoder';

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Counts CSV records in a byte stream (LF line ends outside quotes), across chunk boundaries.
 * @example const c = new CsvRecordCounter(); c.push(Buffer.from('a,"x\ny"\n')); c.records // 1
 */
export class CsvRecordCounter {
  records = 0;
  #quoted = false;

  /** Counts the records a chunk completes. */
  push(chunk: Uint8Array): void {
    let quoted = this.#quoted;
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) quoted = !quoted;
      else if (b === LF && !quoted) n++;
    }
    this.#quoted = quoted;
    this.records += n;
  }
}

/** One parsed record: a field is null when it was empty and unquoted (how COPY writes NULL). */
export type CsvRecord = (string | null)[];

/**
 * Parses CSV as PostgreSQL's COPY writes it (comma, `"` quoting with `""` inside, LF line ends,
 * NULL as an empty unquoted field), chunk by chunk, keeping only the unfinished record in memory.
 * @example const p = new CsvParser(); p.push(Buffer.from('1,"a,b",\n')) // [['1', 'a,b', null]]
 */
export class CsvParser {
  #decoder = new StringDecoder('utf8');
  #rest = '';

  /** The records completed by this chunk. */
  push(chunk: Uint8Array): CsvRecord[] {
    const text = this.#rest + this.#decoder.write(chunk as Buffer);
    const out: CsvRecord[] = [];
    let pos = 0;
    for (;;) {
      const end = text.indexOf('\n', pos);
      if (end < 0) break;
      const line = text.slice(pos, end);
      if (!line.includes('"')) {
        // Fast path: no quotes, so no field holds a comma or a line break.
        out.push(line.split(',').map((f) => (f === '' ? null : f)));
        pos = end + 1;
        continue;
      }
      const parsed = parseQuoted(text, pos);
      if (!parsed) break; // a quoted field continues in the next chunk
      out.push(parsed.record);
      pos = parsed.next;
    }
    this.#rest = text.slice(pos);
    return out;
  }

  /** Call at the end of the stream: fails if a record was left unfinished. */
  end(): void {
    const rest = this.#rest + this.#decoder.end();
    if (rest !== '') throw new Error(`CSV ends inside a record: ${JSON.stringify(rest.slice(0, 80))}`);
  }
}

/** Parses one record starting at `pos`; null when it is not complete within `text`. */
function parseQuoted(text: string, pos: number): { record: CsvRecord; next: number } | null {
  const record: CsvRecord = [];
  let i = pos;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return null;
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        if (q + 1 >= text.length) return null; // cannot tell the closing quote from an escaped one yet
        i = q + 1;
        break;
      }
      record.push(value);
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      if (j >= text.length) return null;
      record.push(j === i ? null : text.slice(i, j));
      i = j;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\n') return { record, next: i + 1 };
    if (i >= text.length) return null;
    throw new Error(`Malformed CSV at ${JSON.stringify(text.slice(pos, i + 1).slice(-80))}`);
  }
}
