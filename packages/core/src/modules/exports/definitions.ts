/** What can be exported, and the SQL that produces each export. */

export const EXPORT_KINDS = ['sessions', 'cdrs', 'meter-values'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which rows to export; every part is optional and they combine with AND. */
export interface ExportFilter {
  /** Start of the period (inclusive): session start, CDR end (session end), meter value timestamp. */
  from?: string;
  /** End of the period (exclusive). */
  to?: string;
  stationId?: string;
  /** Customer: the user owning the session's id token (as recorded on the session, see migration 0014). */
  userId?: number;
  /** Partner: the group id token (1.6 parentIdTag, 2.x groupIdToken) of the session's token, as recorded on the session. */
  partner?: string;
}

/** How a column becomes an XLSX cell; CSV keeps PostgreSQL's text. */
export type ColumnType = 'text' | 'number' | 'timestamp';

/** An export's SELECT: parameters, the unique key it is ordered by, and its column types. */
export interface ExportQuery {
  sql: string;
  /** Counts the same rows (for progress), joining only what the filter needs. */
  countSql: string;
  params: unknown[];
  key: string;
  columns: Record<string, ColumnType>;
}

/** ISO 8601 in UTC with milliseconds, the way the API writes times. */
const isoUtc = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  /** Adds a condition; `$?` stands for the value's placeholder. */
  add(condition: string, value: unknown): void {
    this.params.push(value);
    this.parts.push(condition.replaceAll('$?', `$${this.params.length}`));
  }
  get sql(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

/** Period, station, customer and partner conditions on the given columns. */
function filterBy(f: ExportFilter, cols: { time: string; station: string; user: string; parent: string }): Where {
  const w = new Where();
  if (f.from !== undefined) w.add(`${cols.time} >= $?::timestamptz`, f.from);
  if (f.to !== undefined) w.add(`${cols.time} < $?::timestamptz`, f.to);
  if (f.stationId !== undefined) w.add(`${cols.station} = $?`, f.stationId);
  if (f.userId !== undefined) w.add(`${cols.user} = $?`, f.userId);
  if (f.partner !== undefined) w.add(`lower(${cols.parent}) = lower($?)`, f.partner);
  return w;
}

/**
 * Sessions (transactions of every OCPP version) with their customer and partner as recorded on the
 * session (migration 0014): one ordered scan of one table, no join.
 */
function sessions(f: ExportFilter): ExportQuery {
  const w = filterBy(f, { time: 't.started_at', station: 't.station_id', user: 't.user_id', parent: 't.id_token_group' });
  const sql = `select t.id, t.station_id, t.evse_id, t.connector_id, t.ocpp_transaction_id, t.id_token,
      t.user_id, t.id_token_group as partner, t.status, ${isoUtc('t.started_at')} as started_at, ${isoUtc('t.stopped_at')} as stopped_at,
      floor(extract(epoch from t.stopped_at - t.started_at))::bigint as duration_s,
      case when t.status = 'completed' then t.energy_wh else greatest(t.last_meter_wh - t.meter_start_wh, 0) end as energy_wh,
      t.meter_start_wh, t.meter_stop_wh, t.stop_reason, t.cost_currency as currency, t.cost_excl_vat, t.cost_incl_vat
    from transactions t ${w.sql}`;
  return {
    sql, countSql: `select count(*) from transactions t ${w.sql}`, params: w.params, key: 'id',
    columns: {
      id: 'number', station_id: 'text', evse_id: 'number', connector_id: 'number', ocpp_transaction_id: 'text', id_token: 'text',
      user_id: 'number', partner: 'text', status: 'text', started_at: 'timestamp', stopped_at: 'timestamp', duration_s: 'number',
      energy_wh: 'number', meter_start_wh: 'number', meter_stop_wh: 'number', stop_reason: 'text', currency: 'text',
      cost_excl_vat: 'number', cost_incl_vat: 'number',
    },
  };
}

/**
 * CDRs (table `cdrs`, migration 0011) with their totals; the full OCPI CDR is in the API. The
 * period is the session's end (as invoices use it); customer and partner are as when it ended.
 */
function cdrs(f: ExportFilter): ExportQuery {
  const w = filterBy(f, { time: 'c.ended_at', station: 'c.station_id', user: 'c.user_id', parent: 'c.id_token_group' });
  const sql = `select c.id, c.transaction_id, c.station_id, c.id_token, c.user_id, c.id_token_group as partner,
      ${isoUtc('c.started_at')} as started_at, ${isoUtc('c.ended_at')} as ended_at, c.energy_wh, c.currency,
      c.total_excl_vat, c.total_incl_vat, c.credit, c.credit_reference_id, ${isoUtc('c.created_at')} as created_at
    from cdrs c ${w.sql}`;
  return {
    sql, countSql: `select count(*) from cdrs c ${w.sql}`, params: w.params, key: 'id',
    columns: {
      id: 'text', transaction_id: 'number', station_id: 'text', id_token: 'text', user_id: 'number', partner: 'text',
      started_at: 'timestamp', ended_at: 'timestamp', energy_wh: 'number', currency: 'text', total_excl_vat: 'number',
      total_incl_vat: 'number', credit: 'text', credit_reference_id: 'text', created_at: 'timestamp',
    },
  };
}

/** Meter values, one row per MeterValue (ADR 0005) with all its samples as JSON. */
function meterValues(f: ExportFilter): ExportQuery {
  const owner = f.userId !== undefined || f.partner !== undefined;
  const w = filterBy(f, { time: 'm.ts', station: 'm.station_id', user: 't.user_id', parent: 't.id_token_group' });
  // The session is joined only when the filter needs it: meter values are the biggest table.
  const join = owner ? 'join transactions t on t.id = m.transaction_id' : '';
  const sql = `select m.id, m.transaction_id, m.station_id, m.evse_id, ${isoUtc('m.ts')} as ts,
      m.energy_wh::numeric as energy_wh, m.power_w::numeric as power_w, m.sampled_values::text as sampled_values
    from meter_values m ${join} ${w.sql}`;
  return {
    sql, countSql: `select count(*) from meter_values m ${join} ${w.sql}`, params: w.params, key: 'id',
    columns: {
      id: 'number', transaction_id: 'number', station_id: 'text', evse_id: 'number', ts: 'timestamp',
      energy_wh: 'number', power_w: 'number', sampled_values: 'text',
    },
  };
}

/**
 * The SELECT of an export. Filters are bound as parameters; an impossible filter (from after to,
 * an unknown station) simply selects nothing.
 * @example const q = exportQuery('sessions', { stationId: 'CP1' }); db.copyOut(q.sql, q.params, { key: q.key, header: true });
 */
export function exportQuery(kind: ExportKind, filter: ExportFilter): ExportQuery {
  if (kind === 'sessions') return sessions(filter);
  if (kind === 'cdrs') return cdrs(filter);
  return meterValues(filter);
}
