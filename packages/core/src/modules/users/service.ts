import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { hashPassword, sha256, verifyPassword } from '../../passwords.js';
import { page } from '../../rows.js';
import * as repo from './repository.js';
import { ROLES, type ApiToken, type Role, type User } from './repository.js';

export type { ApiToken, Role, User } from './repository.js';
export { ROLES } from './repository.js';

/** Who is calling: a user, or the admin token (no user). */
export interface Principal {
  userId: number | null;
  role: Role;
  email: string | null;
}

/** Login sessions last 14 days from the last request (sliding). */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** The expiry is moved forward at most once a minute per session (one write, not one per request). */
const TOUCH_EVERY_MS = 60_000;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** Prefix of per-user API tokens, so they are recognisable (and told apart from the admin token). */
export const API_TOKEN_PREFIX = 'vlu_';
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Failed logins allowed per client address and email within the window. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** Compared against when the email is unknown, so a wrong email takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** The throttling key of a login attempt: the address and the email as typed, case-insensitively. */
function loginKey(clientAddress: string, email: string): string {
  return `${clientAddress}|${email.trim().toLowerCase().slice(0, 254)}`;
}

function principalOf(u: User): Principal {
  return { userId: u.id, role: u.role, email: u.email };
}

/**
 * Users and roles, login sessions and per-user API tokens (no HTTP here: the API maps requests
 * onto these calls). Passwords are scrypt-hashed; session secrets and API tokens are random and
 * only their SHA-256 is stored.
 * @example const { user, secret } = await users.login('ana@example.com', 'correct horse battery');
 */
export class UserService {
  /** Needs only the database and a logger, so the CLI can use it without starting the core. */
  constructor(private readonly ctx: Pick<CoreContext, 'db' | 'log'>) {}

  /** Creates a user (admin API, CLI). The email is unique regardless of letter case. */
  async create(u: { email: string; name?: string | null | undefined; role: Role; password?: string | undefined; locale?: string | undefined }): Promise<User> {
    const email = checkEmail(u.email);
    checkRole(u.role);
    const passwordHash = u.password === undefined ? null : await hashPassword(checkPassword(u.password));
    const created = await repo.insertUser(this.ctx.db, { email, name: u.name ?? null, role: u.role, passwordHash, locale: u.locale });
    if (!created) throw new AppError('ALREADY_EXISTS', `A user with email ${email} already exists`);
    this.ctx.log.info({ userId: created.id, role: created.role }, 'user created');
    return created;
  }

  async get(id: number): Promise<User> {
    const u = await repo.findUser(this.ctx.db, id);
    if (!u) throw new AppError('USER_NOT_FOUND', `User ${id} does not exist`);
    return u;
  }

  async byEmail(email: string): Promise<User | undefined> {
    const u = await repo.findByEmail(this.ctx.db, email.trim());
    if (!u) return undefined;
    const { passwordHash: _h, ...user } = u;
    return user;
  }

  list(q: { limit?: number | undefined; offset?: number | undefined; q?: string | undefined; role?: string | undefined }) {
    return repo.listUsers(this.ctx.db, { ...q, ...page(q) });
  }

  /**
   * Changes name, role, locale, disabled or password. A new password or disabling revokes the
   * user's sessions. The last active admin cannot be demoted or disabled (nobody could manage users).
   */
  async update(id: number, p: { name?: string | null | undefined; role?: Role | undefined; locale?: string | undefined; disabled?: boolean | undefined; password?: string | undefined }): Promise<User> {
    const before = await this.get(id);
    if (p.role !== undefined) checkRole(p.role);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((p.role !== undefined && p.role !== 'admin') || p.disabled === true);
    if (losesAdmin && (await repo.countAdmins(this.ctx.db, id)) === 0) {
      throw new AppError('FORBIDDEN', 'This is the last active admin: make another user admin first');
    }
    const passwordHash = p.password === undefined ? undefined : await hashPassword(checkPassword(p.password));
    await repo.updateUser(this.ctx.db, id, {
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.role !== undefined ? { role: p.role } : {}),
      ...(p.locale !== undefined ? { locale: p.locale } : {}),
      ...(p.disabled !== undefined ? { disabled: p.disabled } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    if (passwordHash !== undefined || p.disabled === true) await repo.deleteSessionsOf(this.ctx.db, id);
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    const u = await this.get(id);
    if (u.role === 'admin' && !u.disabled && (await repo.countAdmins(this.ctx.db, id)) === 0) {
      throw new AppError('FORBIDDEN', 'This is the last active admin: make another user admin first');
    }
    await repo.deleteUser(this.ctx.db, id);
  }

  /** True once any admin user exists (the first-run setup is then closed). */
  async hasAdmin(): Promise<boolean> {
    const r = await this.ctx.db.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin'`);
    return r.rows[0]!.n > 0;
  }

  /** First-run setup: creates the first admin, only while no admin user exists (atomic). */
  async createFirstAdmin(u: { email: string; name?: string | null | undefined; password: string }): Promise<User> {
    const email = checkEmail(u.email);
    const passwordHash = await hashPassword(checkPassword(u.password));
    const created = await this.ctx.db.transaction(async (tx) => {
      // Two setup requests at once must not both create an admin.
      await tx.query('lock table users in share row exclusive mode');
      const r = await tx.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin'`);
      if (r.rows[0]!.n > 0) return undefined;
      const user = await repo.insertUser(tx, { email, name: u.name ?? null, role: 'admin', passwordHash });
      if (!user) throw new AppError('ALREADY_EXISTS', `A user with email ${email} already exists: an admin can change its role`);
      return user;
    });
    if (!created) throw new AppError('SETUP_DONE', 'An admin already exists: log in, or ask an admin to create your account');
    this.ctx.log.info({ userId: created.id }, 'first admin created');
    return created;
  }

  /**
   * Checks email and password and opens a session; the returned secret goes into the cookie.
   * A wrong email and a wrong password get the same error and take the same time.
   */
  async login(email: string, password: string, userAgent?: string): Promise<{ user: User; secret: string; expiresAt: Date }> {
    const found = await repo.findByEmail(this.ctx.db, email.trim());
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyHash));
    if (!found || !found.passwordHash || !ok) {
      this.ctx.log.info({ email: email.slice(0, 200) }, 'login failed');
      throw new AppError('INVALID_CREDENTIALS', 'Wrong email or password');
    }
    if (found.disabled) throw new AppError('FORBIDDEN', 'This account is disabled: ask an admin');
    await repo.deleteExpiredSessions(this.ctx.db, found.id);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await repo.insertSession(this.ctx.db, { idHash: sha256(secret), userId: found.id, expiresAt, userAgent: userAgent?.slice(0, 300) ?? null });
    const { passwordHash: _h, ...user } = found;
    return { user, secret, expiresAt };
  }

  /**
   * Whether logins for this email from this client address are blocked: after
   * {@link LOGIN_MAX_FAILURES} failures within {@link LOGIN_WINDOW_MS}, until the window ends.
   * Counted in the database, so every API node of a cluster sees the same count.
   */
  async loginBlocked(clientAddress: string, email: string): Promise<{ retryAfterSec: number } | null> {
    const { failures, windowEnds } = await repo.loginFailures(this.ctx.db, loginKey(clientAddress, email), LOGIN_WINDOW_MS);
    if (failures < LOGIN_MAX_FAILURES || !windowEnds) return null;
    return { retryAfterSec: Math.max(Math.ceil((windowEnds.getTime() - Date.now()) / 1000), 1) };
  }

  /** Counts a failed login (only failures count, so a user who logs in often is never locked out). */
  async loginFailed(clientAddress: string, email: string): Promise<void> {
    await repo.recordLoginFailure(this.ctx.db, loginKey(clientAddress, email), LOGIN_WINDOW_MS);
    await repo.pruneLoginFailures(this.ctx.db, LOGIN_WINDOW_MS);
  }

  /** The user of a session cookie (undefined when unknown, expired or disabled); moves the expiry forward. */
  async fromSession(secret: string): Promise<{ principal: Principal; user: User; renewed: boolean } | undefined> {
    const idHash = sha256(secret);
    const s = await repo.findSession(this.ctx.db, idHash);
    if (!s) return undefined;
    const renewed = Date.now() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS;
    if (renewed) await repo.touchSession(this.ctx.db, idHash, new Date(Date.now() + SESSION_TTL_MS));
    return { principal: principalOf(s.user), user: s.user, renewed };
  }

  /** Ends the session of this cookie secret. */
  async logout(secret: string): Promise<void> {
    await repo.deleteSession(this.ctx.db, sha256(secret));
  }

  /** Changes one's own password; every other session of the user is revoked (`keepSession` stays). */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepSession?: string): Promise<void> {
    const hash = await repo.passwordHashOf(this.ctx.db, userId);
    if (hash === undefined) throw new AppError('USER_NOT_FOUND', `User ${userId} does not exist`);
    if (!hash || !(await verifyPassword(currentPassword, hash))) {
      throw new AppError('VALIDATION_FAILED', 'currentPassword is wrong', { field: 'body.currentPassword' });
    }
    await repo.updateUser(this.ctx.db, userId, { passwordHash: await hashPassword(checkPassword(newPassword, 'body.newPassword')) });
    await repo.deleteSessionsOf(this.ctx.db, userId, keepSession === undefined ? undefined : sha256(keepSession));
  }

  /** Creates an API token for a user; the token is returned once, only its SHA-256 is kept. */
  async createApiToken(userId: number, name: string): Promise<ApiToken & { token: string }> {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const created = await repo.insertApiToken(this.ctx.db, { userId, name, tokenHash: sha256(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) });
    return { ...created, token };
  }

  listApiTokens(userId: number): Promise<ApiToken[]> {
    return repo.listApiTokens(this.ctx.db, userId);
  }

  /** Deletes one of the user's own tokens; someone else's is "not found" like a missing one. */
  async deleteApiToken(userId: number, id: number): Promise<void> {
    if (!(await repo.deleteApiToken(this.ctx.db, userId, id))) throw new AppError('NOT_FOUND', `You have no API token ${id}`);
  }

  /** The user of a per-user API token (undefined when unknown, expired or the user is disabled). */
  async fromApiToken(token: string): Promise<{ principal: Principal; user: User } | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const t = await repo.findApiToken(this.ctx.db, sha256(token));
    if (!t) return undefined;
    if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > TOUCH_EVERY_MS) await repo.touchApiToken(this.ctx.db, t.tokenId);
    return { principal: principalOf(t.user), user: t.user };
  }
}

function checkEmail(email: string): string {
  const e = email.trim();
  if (!EMAIL.test(e) || e.length > 254) throw new AppError('VALIDATION_FAILED', `${email} is not an email address`, { field: 'body.email' });
  return e;
}

function checkRole(role: string): void {
  if (!ROLES.includes(role as Role)) throw new AppError('VALIDATION_FAILED', `role must be one of ${ROLES.join(', ')}`, { field: 'body.role' });
}

function checkPassword(password: string, field = 'body.password'): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, { field });
  }
  return password;
}
