import type { CoreContext } from '../../context.js';
import { Batcher } from '../../batcher.js';
import { iso, num } from '../../rows.js';

export interface ConnectionAttemptRecord {
  stationId: string;
  at: Date;
  remoteAddress: string | undefined;
  outcome: string;
  reason: string;
  subprotocol: string | undefined;
  detail?: string | undefined;
}

/** Attempts kept per station; older ones are pruned. */
const KEEP_PER_STATION = 200;

/**
 * The connection inspector's durable half: every connection attempt (accepted, refused and why,
 * closed), written in batches so a reconnect storm costs a few inserts, and pruned per station.
 * Raw frames live in the gateway's memory (see FrameLog).
 */
export class InspectorService {
  private readonly writer: Batcher<ConnectionAttemptRecord>;
  private pruneCounter = 0;

  constructor(private readonly ctx: CoreContext) {
    this.writer = new Batcher((items) => this.write(items), { maxItems: 1000 });
  }

  record(a: ConnectionAttemptRecord): void {
    this.writer.add(a).catch((err: unknown) => this.ctx.log.error({ err }, 'could not store connection attempt'));
  }

  async list(stationId: string, limit = 100) {
    await this.writer.flush();
    const r = await this.ctx.db.query('select * from connection_attempts where station_id = $1 order by id desc limit $2', [stationId, limit]);
    return r.rows.map((x) => ({
      id: num(x.id)!,
      at: iso(x.at)!,
      remoteAddress: (x.remote_address as string) ?? null,
      outcome: x.outcome as string,
      reason: (x.reason as string) ?? null,
      subprotocol: (x.subprotocol as string) ?? null,
      detail: (x.detail as string) ?? null,
    }));
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async write(items: ConnectionAttemptRecord[]): Promise<void> {
    await this.ctx.db.query(
      `insert into connection_attempts (station_id, at, remote_address, outcome, reason, subprotocol, detail)
       select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [
        items.map((i) => i.stationId), items.map((i) => i.at.toISOString()), items.map((i) => i.remoteAddress ?? null),
        items.map((i) => i.outcome), items.map((i) => i.reason), items.map((i) => i.subprotocol ?? null), items.map((i) => i.detail ?? null),
      ],
    );
    // Bounded retention: every so often keep only the newest attempts of the stations just written.
    if ((this.pruneCounter += items.length) >= 1000) {
      this.pruneCounter = 0;
      const ids = [...new Set(items.map((i) => i.stationId))];
      await this.ctx.db.query(
        `delete from connection_attempts c using (
           select id from (select id, row_number() over (partition by station_id order by id desc) as n
                           from connection_attempts where station_id = any($1::text[])) ranked where n > $2) old
         where c.id = old.id`,
        [ids, KEEP_PER_STATION],
      );
    }
  }
}
