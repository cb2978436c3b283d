import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

/** One 2.x TransactionEvent as recorded (once per transaction and seqNo). */
export interface TransactionEventRecord {
  transactionId: number;
  seqNo: number;
  eventType: 'Started' | 'Updated' | 'Ended';
  triggerReason: string;
  timestamp: Date;
  offline: boolean;
  chargingState: string | null;
  idToken: string | null;
  timeSpentChargingSec: number | null;
}

/** A recorded event as the API shows it. */
export interface StoredTransactionEvent {
  seqNo: number;
  eventType: string;
  triggerReason: string;
  timestamp: string;
  offline: boolean;
  chargingState: string | null;
  idToken: string | null;
  receivedAt: string;
}

/**
 * Records events (a retried one, same transaction and seqNo, is stored once) and moves each
 * transaction's state forward: highest seqNo, its trigger reason, the last charging state and
 * time spent charging reported, and whether anything happened offline. An event older (lower
 * seqNo) than what is stored changes no state.
 */
export async function recordEvents(db: Queryable, events: TransactionEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  const doc = JSON.stringify(
    events.map((e) => ({
      tx: e.transactionId, seq_no: e.seqNo, event_type: e.eventType, trigger_reason: e.triggerReason, ts: e.timestamp.toISOString(),
      offline: e.offline, charging_state: e.chargingState, id_token: e.idToken, time_spent: e.timeSpentChargingSec,
    })),
  );
  const cols = `tx bigint, seq_no int, event_type text, trigger_reason text, ts timestamptz, offline boolean, charging_state text,
    id_token text, time_spent int`;
  await db.query(
    `insert into transaction_events (transaction_id, seq_no, event_type, trigger_reason, ts, offline, charging_state, id_token)
     select v.tx, v.seq_no, v.event_type, v.trigger_reason, v.ts, v.offline, v.charging_state, v.id_token
     from json_to_recordset($1::json) as v(${cols})
     on conflict do nothing`,
    [doc],
  );
  // One row per transaction (its highest seqNo in the batch), in id order.
  await db.query(
    `update transactions t set
       trigger_reason = case when t.seq_no is null or v.seq_no >= t.seq_no then v.trigger_reason else t.trigger_reason end,
       charging_state = case when v.charging_state is not null and (t.seq_no is null or v.seq_no >= t.seq_no)
         then v.charging_state else t.charging_state end,
       time_spent_charging = case when v.time_spent is not null and (t.seq_no is null or v.seq_no >= t.seq_no)
         then v.time_spent else t.time_spent_charging end,
       seq_no = greatest(t.seq_no, v.seq_no),
       offline = t.offline or v.offline,
       updated_at = now()
     from (select distinct on (tx) * from json_to_recordset($1::json) as x(${cols}) order by tx, seq_no desc) v
     where t.id = v.tx`,
    [doc],
  );
}

/** Events of a transaction in seqNo order. */
export async function listEvents(db: Queryable, transactionId: number, limit = 10_000): Promise<StoredTransactionEvent[]> {
  const r = await db.query(
    'select * from transaction_events where transaction_id = $1 order by seq_no limit $2',
    [transactionId, limit],
  );
  return r.rows.map((x) => ({
    seqNo: x.seq_no as number,
    eventType: x.event_type as string,
    triggerReason: x.trigger_reason as string,
    timestamp: iso(x.ts)!,
    offline: x.offline === true,
    chargingState: (x.charging_state as string) ?? null,
    idToken: (x.id_token as string) ?? null,
    receivedAt: iso(x.received_at)!,
  }));
}
