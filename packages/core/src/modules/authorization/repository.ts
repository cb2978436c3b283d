import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';
import type { IdTokenStatus, PersonalMessage } from './id-token-info.js';

export type { IdTokenStatus } from './id-token-info.js';

/** An id token as stored and shown by the API. */
export interface IdToken {
  idToken: string;
  /** 2.x IdTokenEnumType it is registered with; null: any type (and every 1.6 idTag) matches. */
  type: string | null;
  status: IdTokenStatus;
  expiresAt: string | null;
  /** 1.6 parentIdTag, 2.x groupIdToken. */
  parentIdToken: string | null;
  personalMessage: PersonalMessage | null;
  /** The user (driver) who owns the token; their sessions are the transactions started with it. */
  userId: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The columns an id token is created or changed with. */
export interface IdTokenFields {
  type: string | null;
  status: IdTokenStatus;
  expiresAt: string | null;
  parentIdToken: string | null;
  personalMessage: PersonalMessage | null;
}

/** An `id_tokens` row as the API shows it. */
export function toIdToken(r: Record<string, unknown>): IdToken {
  return {
    idToken: r.id_token as string,
    type: (r.type as string) ?? null,
    status: r.status as IdTokenStatus,
    expiresAt: iso(r.expires_at),
    parentIdToken: (r.parent_id_token as string) ?? null,
    personalMessage: (r.personal_message as PersonalMessage) ?? null,
    userId: r.user_id === null || r.user_id === undefined ? null : Number(r.user_id),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Inserts a token unless one with the same id, in any letter case, exists (id tokens are case insensitive). */
export async function insertIdToken(db: Queryable, t: { idToken: string } & IdTokenFields): Promise<boolean> {
  const r = await db.query(
    `insert into id_tokens (id_token, type, status, expires_at, parent_id_token, personal_message)
     select $1, $2, $3, $4, $5, $6::jsonb where not exists (select 1 from id_tokens where lower(id_token) = lower($1))
     on conflict do nothing`,
    [t.idToken, t.type, t.status, t.expiresAt, t.parentIdToken, t.personalMessage && JSON.stringify(t.personalMessage)],
  );
  return r.rowCount === 1;
}

/** The token stored under exactly this id (API paths name the stored id). */
export async function findIdToken(db: Queryable, idToken: string): Promise<IdToken | undefined> {
  const r = await db.query('select * from id_tokens where id_token = $1', [idToken]);
  return r.rows[0] ? toIdToken(r.rows[0]) : undefined;
}

/** The token a station presents, matched case insensitively (an exact match wins). */
export async function matchIdToken(db: Queryable, idToken: string): Promise<IdToken | undefined> {
  const r = await db.query('select * from id_tokens where lower(id_token) = lower($1) order by (id_token = $1) desc limit 1', [idToken]);
  return r.rows[0] ? toIdToken(r.rows[0]) : undefined;
}

/** Id tokens by id, filtered by status, type or a substring, paged. */
export async function listIdTokens(db: Queryable, f: { limit: number; offset: number; status?: string; type?: string; q?: string }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.type) where.push(`type = $${params.push(f.type)}`);
  if (f.q) where.push(`id_token ilike $${params.push(`%${f.q}%`)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from id_tokens ${w}`, params);
  const rows = await db.query(`select * from id_tokens ${w} order by id_token limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toIdToken), total: total.rows[0]!.n };
}

/** Changes the given fields (null clears); false if no such token. */
export async function updateIdToken(db: Queryable, idToken: string, p: Partial<IdTokenFields> & { userId?: number | null }): Promise<boolean> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [idToken];
  if (p.status) sets.push(`status = $${params.push(p.status)}`);
  if (p.type !== undefined) sets.push(`type = $${params.push(p.type)}`);
  if (p.expiresAt !== undefined) sets.push(`expires_at = $${params.push(p.expiresAt)}`);
  if (p.parentIdToken !== undefined) sets.push(`parent_id_token = $${params.push(p.parentIdToken)}`);
  if (p.userId !== undefined) sets.push(`user_id = $${params.push(p.userId)}`);
  if (p.personalMessage !== undefined) {
    sets.push(`personal_message = $${params.push(p.personalMessage && JSON.stringify(p.personalMessage))}::jsonb`);
  }
  return (await db.query(`update id_tokens set ${sets.join(', ')} where id_token = $1`, params)).rowCount === 1;
}

/** Deletes a token; false if no such token. */
export async function deleteIdToken(db: Queryable, idToken: string): Promise<boolean> {
  return (await db.query('delete from id_tokens where id_token = $1', [idToken])).rowCount === 1;
}

/** Id of an active transaction of this token (any letter case), other than `exceptTransactionId`. */
export async function activeTransactionOf(db: Queryable, idToken: string, exceptTransactionId?: number): Promise<number | undefined> {
  // The partial index on active transactions keeps this to the few sessions running now.
  const r = await db.query<{ id: number }>(
    `select id from transactions where status = 'active' and lower(id_token) = lower($1) and id <> $2 limit 1`,
    [idToken, exceptTransactionId ?? -1],
  );
  return r.rows[0]?.id;
}

/**
 * The station's master pass group id (2.x AuthCtrlr.MasterPassGroupId, C16) as its device model
 * holds it (NotifyReport, GetVariables or an accepted SetVariables); undefined when not set.
 */
export async function masterPassGroup(db: Queryable, stationId: string): Promise<string | undefined> {
  const r = await db.query<{ value: string | null }>(
    `select value from device_model_variables where station_id = $1 and component_name = 'AuthCtrlr' and component_instance = ''
       and evse_id = 0 and variable_name = 'MasterPassGroupId' and variable_instance = '' and attribute_type = 'Actual'`,
    [stationId],
  );
  return r.rows[0]?.value?.trim() || undefined;
}
