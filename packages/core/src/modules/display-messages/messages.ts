import type { V201 } from '@voltlane/ocpp';
import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** A message a station shows (or will show) on its display. */
export interface DisplayMessage {
  id: number;
  priority: string;
  state: string | null;
  startAt: string | null;
  endAt: string | null;
  transactionId: string | null;
  /** The whole MessageInfo as sent or reported (message content, display component...). */
  messageInfo: unknown;
  updatedAt: string;
}

/** Which stored messages a GetDisplayMessages asked about (absent = any). */
export interface MessageCriteria {
  ids?: number[] | undefined;
  priority?: string | undefined;
  state?: string | undefined;
}

export async function putMessage(db: Queryable, stationId: string, m: V201.MessageInfoType): Promise<void> {
  await db.query(
    `insert into display_messages (station_id, id, priority, state, start_at, end_at, transaction_id, message)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (station_id, id) do update set priority = excluded.priority, state = excluded.state, start_at = excluded.start_at,
       end_at = excluded.end_at, transaction_id = excluded.transaction_id, message = excluded.message, updated_at = now()`,
    [stationId, m.id, m.priority, m.state ?? null, m.startDateTime ?? null, m.endDateTime ?? null, m.transactionId ?? null, JSON.stringify(m)],
  );
}

/** Removes the stored messages matching the criteria, except the ids in `keep` (as strings). */
export async function deleteMessages(db: Queryable, stationId: string, c: MessageCriteria, keep: string[] = []): Promise<void> {
  const where = ['station_id = $1'];
  const params: unknown[] = [stationId];
  if (c.ids) where.push(`id = any($${params.push(c.ids)}::int[])`);
  if (c.priority) where.push(`priority = $${params.push(c.priority)}`);
  if (c.state) where.push(`state = $${params.push(c.state)}`);
  if (keep.length) where.push(`not id = any($${params.push(keep.map(Number))}::int[])`);
  await db.query(`delete from display_messages where ${where.join(' and ')}`, params);
}

export async function listMessages(db: Queryable, stationId: string): Promise<DisplayMessage[]> {
  const r = await db.query('select * from display_messages where station_id = $1 order by id', [stationId]);
  return r.rows.map((x) => ({
    id: x.id as number,
    priority: x.priority as string,
    state: (x.state as string) ?? null,
    startAt: iso(x.start_at),
    endAt: iso(x.end_at),
    transactionId: (x.transaction_id as string) ?? null,
    messageInfo: x.message,
    updatedAt: iso(x.updated_at)!,
  }));
}
