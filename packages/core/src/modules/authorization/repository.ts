import type { Queryable } from '@voltlane/db';
import { iso } from '../../rows.js';

export type IdTokenStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

export interface IdToken {
  idToken: string;
  status: IdTokenStatus;
  expiresAt: string | null;
  parentIdToken: string | null;
  createdAt: string;
  updatedAt: string;
}

function toIdToken(r: Record<string, unknown>): IdToken {
  return {
    idToken: r.id_token as string,
    status: r.status as IdTokenStatus,
    expiresAt: iso(r.expires_at),
    parentIdToken: (r.parent_id_token as string) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export async function insertIdToken(
  db: Queryable,
  t: { idToken: string; status: IdTokenStatus; expiresAt: string | null; parentIdToken: string | null },
): Promise<boolean> {
  const r = await db.query(
    `insert into id_tokens (id_token, status, expires_at, parent_id_token) values ($1, $2, $3, $4) on conflict do nothing`,
    [t.idToken, t.status, t.expiresAt, t.parentIdToken],
  );
  return r.rowCount === 1;
}

export async function findIdToken(db: Queryable, idToken: string): Promise<IdToken | undefined> {
  const r = await db.query('select * from id_tokens where id_token = $1', [idToken]);
  return r.rows[0] ? toIdToken(r.rows[0]) : undefined;
}

export async function listIdTokens(db: Queryable, f: { limit: number; offset: number; status?: string; q?: string }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.q) where.push(`id_token ilike $${params.push(`%${f.q}%`)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from id_tokens ${w}`, params);
  const rows = await db.query(`select * from id_tokens ${w} order by id_token limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toIdToken), total: total.rows[0]!.n };
}

export async function updateIdToken(
  db: Queryable,
  idToken: string,
  p: { status?: IdTokenStatus; expiresAt?: string | null; parentIdToken?: string | null },
): Promise<boolean> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [idToken];
  if (p.status) sets.push(`status = $${params.push(p.status)}`);
  if (p.expiresAt !== undefined) sets.push(`expires_at = $${params.push(p.expiresAt)}`);
  if (p.parentIdToken !== undefined) sets.push(`parent_id_token = $${params.push(p.parentIdToken)}`);
  return (await db.query(`update id_tokens set ${sets.join(', ')} where id_token = $1`, params)).rowCount === 1;
}

export async function deleteIdToken(db: Queryable, idToken: string): Promise<boolean> {
  return (await db.query('delete from id_tokens where id_token = $1', [idToken])).rowCount === 1;
}

/** Id of an active transaction of this token, other than `exceptTransactionId`. */
export async function activeTransactionOf(db: Queryable, idToken: string, exceptTransactionId?: number): Promise<number | undefined> {
  const r = await db.query<{ id: number }>(
    `select id from transactions where id_token = $1 and status = 'active' and id <> $2 limit 1`,
    [idToken, exceptTransactionId ?? -1],
  );
  return r.rows[0]?.id;
}
