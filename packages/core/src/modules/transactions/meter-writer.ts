import type { Db } from '@voltlane/db';
import { Batcher } from '../../batcher.js';
import { insertMeterValues, type MeterValueRow, type RegisterReading } from './meter-repository.js';
import { recordEvents, type TransactionEventRecord } from './event-repository.js';

/** What one message contributes to a group commit: its meter values, register reading and (2.x) event. */
export interface MeterWrite {
  rows: MeterValueRow[];
  register?: { transactionId: number } & RegisterReading;
  event?: TransactionEventRecord;
}

/**
 * The group-committed writer of meter values and 2.x transaction events (ADR 0004): messages
 * from many stations go into one database transaction, and each caller's promise settles when
 * it committed, so a station is answered only once its data is durable.
 * @example await writer.add({ rows, register: { transactionId: 7, stationId: 'CP1', wh: 1500, firstWh: 1200 } });
 */
export class MeterWriter {
  private readonly batcher: Batcher<MeterWrite>;

  constructor(private readonly db: Db) {
    this.batcher = new Batcher((items) => this.write(items), {
      maxItems: 2000,
      // Two writers keep PostgreSQL busy while the next batch forms; PGlite has one connection.
      maxConcurrent: db.kind === 'postgres' ? 2 : 1,
    });
  }

  add(item: MeterWrite): Promise<void> {
    return this.batcher.add(item);
  }

  /** Waits until everything added so far is stored. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  private async write(items: MeterWrite[]): Promise<void> {
    const rows = items.flatMap((i) => i.rows);
    const registers = new Map<number, RegisterReading>();
    for (const { register: r } of items) {
      if (!r) continue;
      const prev = registers.get(r.transactionId);
      registers.set(r.transactionId, {
        stationId: r.stationId,
        wh: Math.max(prev?.wh ?? r.wh, r.wh),
        firstWh: Math.min(prev?.firstWh ?? r.firstWh, r.firstWh),
      });
    }
    const events = items.flatMap((i) => (i.event ? [i.event] : []));
    await this.db.transaction(async (tx) => {
      await insertMeterValues(tx, rows, registers);
      await recordEvents(tx, events);
    });
  }
}
