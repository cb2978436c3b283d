import type { Queryable } from '@voltlane/db';
import { iso, num } from '../../rows.js';

export type Role = 'admin' | 'operator' | 'driver';
export const ROLES: readonly Role[] = ['admin', 'operator', 'driver'];

/** A user as the API shows it (never the password hash). */
export interface User {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  locale: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A per-user API token as listed (the secret itself is shown once, at creation). */
export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export function toUser(r: Record<string, unknown>): User {
  return {
    id: num(r.id)!,
    email: r.email as string,
    name: (r.name as string) ?? null,
    role: r.role as Role,
    locale: r.locale as string,
    disabled: r.disabled === true,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toApiToken(r: Record<string, unknown>): ApiToken {
  return {
    id: num(r.id)!,
    name: r.name as string,
    prefix: r.prefix as string,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    expiresAt: iso(r.expires_at),
  };
}

/** Inserts a user unless the email (case insensitive) is taken; undefined then. */
export async function insertUser(
  db: Queryable,
  u: { email: string; name: string | null; role: Role; passwordHash: string | null; locale?: string | undefined },
): Promise<User | undefined> {
  const r = await db.query(
    `insert into users (email, name, role, password_hash, locale) values ($1, $2, $3, $4, coalesce($5, 'en'))
     on conflict do nothing returning *`,
    [u.email, u.name, u.role, u.passwordHash, u.locale ?? null],
  );
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function findUser(db: Queryable, id: number): Promise<User | undefined> {
  const r = await db.query('select * from users where id = $1', [id]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

/** The user with this email (case insensitive) and its password hash. */
export async function findByEmail(db: Queryable, email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
  const r = await db.query('select * from users where lower(email) = lower($1)', [email]);
  const row = r.rows[0];
  return row ? { ...toUser(row), passwordHash: (row.password_hash as string) ?? null } : undefined;
}

export async function passwordHashOf(db: Queryable, id: number): Promise<string | null | undefined> {
  const r = await db.query<{ password_hash: string | null }>('select password_hash from users where id = $1', [id]);
  return r.rows[0] ? r.rows[0].password_hash : undefined;
}

/** Users filtered by a substring of email or name and by role, paged, by email. */
export async function listUsers(db: Queryable, f: { limit: number; offset: number; q?: string | undefined; role?: string | undefined }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.q) {
    const i = params.push(`%${f.q}%`);
    where.push(`(email ilike $${i} or name ilike $${i})`);
  }
  if (f.role) where.push(`role = $${params.push(f.role)}`);
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from users ${w}`, params);
  const rows = await db.query(`select * from users ${w} order by lower(email) limit $${params.length + 1} offset $${params.length + 2}`, [
    ...params, f.limit, f.offset,
  ]);
  return { items: rows.rows.map(toUser), total: total.rows[0]!.n };
}

/** Changes the given fields; false if no such user. */
export async function updateUser(
  db: Queryable,
  id: number,
  p: { name?: string | null; role?: Role; locale?: string; disabled?: boolean; passwordHash?: string },
): Promise<boolean> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [id];
  if (p.name !== undefined) sets.push(`name = $${params.push(p.name)}`);
  if (p.role !== undefined) sets.push(`role = $${params.push(p.role)}`);
  if (p.locale !== undefined) sets.push(`locale = $${params.push(p.locale)}`);
  if (p.disabled !== undefined) sets.push(`disabled = $${params.push(p.disabled)}`);
  if (p.passwordHash !== undefined) sets.push(`password_hash = $${params.push(p.passwordHash)}`);
  return (await db.query(`update users set ${sets.join(', ')} where id = $1`, params)).rowCount === 1;
}

export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from users where id = $1', [id])).rowCount === 1;
}

/** Active (not disabled) admins, optionally other than one user. */
export async function countAdmins(db: Queryable, exceptId?: number): Promise<number> {
  const r = await db.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin' and not disabled and id <> $1`, [exceptId ?? -1]);
  return r.rows[0]!.n;
}

// Sessions

export async function insertSession(db: Queryable, s: { idHash: string; userId: number; expiresAt: Date; userAgent: string | null }): Promise<void> {
  await db.query('insert into user_sessions (id_hash, user_id, expires_at, user_agent) values ($1, $2, $3, $4)', [
    s.idHash, s.userId, s.expiresAt, s.userAgent,
  ]);
}

/** The live session with this hash and its (enabled) user. */
export async function findSession(db: Queryable, idHash: string): Promise<{ user: User; expiresAt: Date; lastSeenAt: Date } | undefined> {
  const r = await db.query(
    `select u.*, s.expires_at as s_expires_at, s.last_seen_at as s_last_seen_at
     from user_sessions s join users u on u.id = s.user_id
     where s.id_hash = $1 and s.expires_at > now() and not u.disabled`,
    [idHash],
  );
  const row = r.rows[0];
  return row ? { user: toUser(row), expiresAt: new Date(iso(row.s_expires_at)!), lastSeenAt: new Date(iso(row.s_last_seen_at)!) } : undefined;
}

export async function touchSession(db: Queryable, idHash: string, expiresAt: Date): Promise<void> {
  await db.query('update user_sessions set last_seen_at = now(), expires_at = $2 where id_hash = $1', [idHash, expiresAt]);
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('delete from user_sessions where id_hash = $1', [idHash]);
}

/** Revokes every session of a user but `exceptHash`; also drops expired sessions of everyone. */
export async function deleteSessionsOf(db: Queryable, userId: number, exceptHash?: string): Promise<void> {
  await db.query('delete from user_sessions where (user_id = $1 and id_hash <> $2) or expires_at <= now()', [userId, exceptHash ?? '']);
}

/** Drops a user's expired sessions (at login, so the table does not grow with abandoned cookies). */
export async function deleteExpiredSessions(db: Queryable, userId: number): Promise<void> {
  await db.query('delete from user_sessions where user_id = $1 and expires_at <= now()', [userId]);
}

// API tokens

export async function insertApiToken(db: Queryable, t: { userId: number; name: string; tokenHash: string; prefix: string }): Promise<ApiToken> {
  const r = await db.query('insert into api_tokens (user_id, name, token_hash, prefix) values ($1, $2, $3, $4) returning *', [
    t.userId, t.name, t.tokenHash, t.prefix,
  ]);
  return toApiToken(r.rows[0]!);
}

export async function listApiTokens(db: Queryable, userId: number): Promise<ApiToken[]> {
  const r = await db.query('select * from api_tokens where user_id = $1 order by id', [userId]);
  return r.rows.map(toApiToken);
}

export async function deleteApiToken(db: Queryable, userId: number, id: number): Promise<boolean> {
  return (await db.query('delete from api_tokens where id = $1 and user_id = $2', [id, userId])).rowCount === 1;
}

/** The (enabled) user of a live API token. */
export async function findApiToken(db: Queryable, tokenHash: string): Promise<{ tokenId: number; user: User; lastUsedAt: Date | null } | undefined> {
  const r = await db.query(
    `select u.*, t.id as t_id, t.last_used_at as t_last_used_at from api_tokens t join users u on u.id = t.user_id
     where t.token_hash = $1 and (t.expires_at is null or t.expires_at > now()) and not u.disabled`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const last = iso(row.t_last_used_at);
  return { tokenId: num(row.t_id)!, user: toUser(row), lastUsedAt: last ? new Date(last) : null };
}

export async function touchApiToken(db: Queryable, id: number): Promise<void> {
  await db.query('update api_tokens set last_used_at = now() where id = $1', [id]);
}

/** Failed logins of a key within its current window (0 once the window has passed). */
export async function loginFailures(db: Queryable, key: string, windowMs: number): Promise<{ failures: number; windowEnds: Date | null }> {
  const r = await db.query<{ failures: number; window_end: Date }>(
    `select failures, window_start + $2 * interval '1 millisecond' as window_end from login_failures
      where key = $1 and window_start + $2 * interval '1 millisecond' > now()`,
    [key, windowMs],
  );
  const row = r.rows[0];
  return row ? { failures: Number(row.failures), windowEnds: new Date(row.window_end) } : { failures: 0, windowEnds: null };
}

/** Counts a failed login: one atomic upsert, so concurrent API nodes never lose a count. */
export async function recordLoginFailure(db: Queryable, key: string, windowMs: number): Promise<void> {
  await db.query(
    `insert into login_failures (key, failures, window_start) values ($1, 1, now())
     on conflict (key) do update set
       failures = case when login_failures.window_start + $2 * interval '1 millisecond' <= now() then 1 else login_failures.failures + 1 end,
       window_start = case when login_failures.window_start + $2 * interval '1 millisecond' <= now() then now() else login_failures.window_start end`,
    [key, windowMs],
  );
}

/** Forgets windows that have passed. */
export async function pruneLoginFailures(db: Queryable, windowMs: number): Promise<void> {
  await db.query(`delete from login_failures where window_start + $1 * interval '1 millisecond' <= now()`, [windowMs]);
}
