import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { ColumnType } from './definitions.js';
import type { CsvRecord } from './csv.js';

/** Excel's limit of rows per sheet. */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Excel's limit of characters per cell. */
const EXCEL_MAX_CELL = 32_767;
/** Sheet XML waiting for the compressor: above HIGH rows are held back until it is below LOW. */
const HIGH_WATER_BYTES = 4 << 20;
const LOW_WATER_BYTES = 1 << 20;

/** The parts of exceljs' StreamBuf and archiver's entry stream that show queued bytes. */
interface SheetStream {
  buffers?: unknown[];
  pipes?: { _writableState?: { length: number } }[];
}

/**
 * Writes records to an XLSX file with exceljs' streaming WorkbookWriter: each row is committed
 * (written out) at once, so memory stays flat. A sheet holds `rowsPerSheet` rows including its
 * header; the next record starts a new sheet ("name 2", "name 3", ...) with the header again.
 * Numbers become numeric cells; times stay ISO 8601 text (UTC), exactly as in the CSV.
 * @example await loadExcel(); const x = new XlsxRecordWriter(out, 'sessions', header, types); x.add(record); await x.finish();
 */
let excel: typeof ExcelJS | undefined;

/** Loads exceljs (about 30 MB of memory) only in processes that write XLSX. */
export async function loadExcel(): Promise<typeof ExcelJS> {
  excel ??= (await import('exceljs')).default;
  return excel;
}

export class XlsxRecordWriter {
  readonly #workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  #sheet: ExcelJS.Worksheet | null = null;
  #sheets = 0;
  #rowsInSheet = 0;
  readonly #numeric: boolean[];

  constructor(
    out: Writable,
    private readonly name: string,
    private readonly header: string[],
    types: Record<string, ColumnType>,
    private readonly rowsPerSheet = EXCEL_MAX_ROWS,
  ) {
    if (rowsPerSheet < 2 || rowsPerSheet > EXCEL_MAX_ROWS) throw new Error(`rowsPerSheet must be 2..${EXCEL_MAX_ROWS}`);
    // Styles cost about half the throughput and only dates would need them; zlib level 1 is ~2x faster than 6 for ~20% more bytes.
    if (!excel) throw new Error('call loadExcel() before new XlsxRecordWriter()');
    this.#workbook = new excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false, zip: { zlib: { level: 1 } } });
    this.#numeric = header.map((h) => types[h] === 'number');
    this.#newSheet();
  }

  #newSheet(): void {
    this.#sheet?.commit();
    this.#sheets++;
    this.#sheet = this.#workbook.addWorksheet(this.#sheets === 1 ? this.name : `${this.name} ${this.#sheets}`);
    this.#sheet.addRow(this.header).commit();
    this.#rowsInSheet = 1;
  }

  /** Appends one record (a sheet is full: a new one starts). */
  add(record: CsvRecord): void {
    if (this.#rowsInSheet >= this.rowsPerSheet) this.#newSheet();
    const values = record.map((v, i) => {
      if (v === null) return null;
      if (this.#numeric[i]) return Number(v);
      return v.length > EXCEL_MAX_CELL ? v.slice(0, EXCEL_MAX_CELL) : v;
    });
    this.#sheet!.addRow(values).commit();
    this.#rowsInSheet++;
  }

  /**
   * Waits while the current sheet's XML waits for the zip compressor. exceljs writes rows into
   * its sheet stream without back-pressure, so without this a fast producer piles the whole sheet
   * up in memory. Reads exceljs/archiver internals; if they change, no waiting happens (memory
   * grows again, which bench/export shows).
   */
  async backpressure(signal?: AbortSignal): Promise<void> {
    if (this.#queuedBytes() <= HIGH_WATER_BYTES) return;
    // Resume at the low-water mark, not at empty, so the compressor always has work queued.
    while (this.#queuedBytes() > LOW_WATER_BYTES) {
      signal?.throwIfAborted();
      await sleep(2);
    }
  }

  #queuedBytes(): number {
    const stream = (this.#sheet as unknown as { stream?: SheetStream } | null)?.stream;
    // Until the compressor takes this sheet's stream (earlier zip entries first), StreamBuf keeps its 64 KiB buffers.
    return (stream?.buffers?.length ?? 0) * 65_536 + (stream?.pipes?.[0]?._writableState?.length ?? 0);
  }

  /** Sheets written so far. */
  get sheets(): number {
    return this.#sheets;
  }

  /** Writes the end of the last sheet and the workbook parts; resolves once the zip is complete. */
  async finish(): Promise<void> {
    this.#sheet?.commit();
    await this.#workbook.commit();
  }
}
