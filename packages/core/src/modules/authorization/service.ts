import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import * as repo from './repository.js';
import type { IdToken, IdTokenFields } from './repository.js';
import {
  ID_TOKEN_STATUSES, ID_TOKEN_TYPES, type IdTokenInfo, type IdTokenStatus, type PersonalMessage, type PresentedIdToken,
} from './id-token-info.js';

export { toIdTagInfo, toIdTokenInfo2x, type IdTokenInfo, type PresentedIdToken } from './id-token-info.js';

/** What the API passes to create a token; absent optional fields are null. */
export interface NewIdToken {
  idToken: string;
  status: IdTokenStatus;
  type?: string | null | undefined;
  expiresAt?: string | null | undefined;
  parentIdToken?: string | null | undefined;
  personalMessage?: PersonalMessage | null | undefined;
}

/**
 * Id tokens (RFID cards, app tokens, contracts) and the authorization decision for them, for
 * every OCPP version.
 *
 * Matching: the id token string is the key and is case insensitive. A token registered without a
 * type matches whatever type a 2.x station presents; one registered with a type matches only
 * that type. A 1.6 idTag has no type, so it matches regardless.
 * @example const info = await auth.authorize({ idToken: 'TAG1', type: 'ISO14443' }, { concurrent: true });
 */
export class AuthorizationService {
  constructor(private readonly ctx: CoreContext) {}

  async create(t: NewIdToken): Promise<IdToken> {
    this.check(t);
    const ok = await repo.insertIdToken(this.ctx.db, {
      idToken: t.idToken, type: t.type ?? null, status: t.status, expiresAt: t.expiresAt ?? null,
      parentIdToken: t.parentIdToken ?? null, personalMessage: t.personalMessage ?? null,
    });
    if (!ok) {
      const existing = await repo.matchIdToken(this.ctx.db, t.idToken);
      const name = existing?.idToken ?? t.idToken;
      throw new AppError('ALREADY_EXISTS', `Id token ${name} already exists (id tokens are case insensitive): use PATCH /api/v1/id-tokens/${name}`);
    }
    return this.get(t.idToken);
  }

  async get(idToken: string): Promise<IdToken> {
    const t = await repo.findIdToken(this.ctx.db, idToken);
    if (!t) throw new AppError('ID_TOKEN_NOT_FOUND', `Id token ${idToken} does not exist: create it with POST /api/v1/id-tokens`);
    return t;
  }

  list(q: { limit?: number; offset?: number; status?: string; type?: string; q?: string }) {
    return repo.listIdTokens(this.ctx.db, { ...q, ...page(q) });
  }

  /** Changes a token; `userId` makes a user (driver) its owner, null removes the owner. */
  async update(idToken: string, p: Partial<IdTokenFields> & { userId?: number | null }): Promise<IdToken> {
    this.check({ idToken, ...p });
    if (typeof p.userId === 'number' && !(await this.ctx.db.query('select 1 from users where id = $1', [p.userId])).rows.length) {
      throw new AppError('USER_NOT_FOUND', `User ${p.userId} does not exist: see GET /api/v1/users`, { field: 'body.userId' });
    }
    if (!(await repo.updateIdToken(this.ctx.db, idToken, p))) await this.get(idToken);
    return this.get(idToken);
  }

  async delete(idToken: string): Promise<void> {
    if (!(await repo.deleteIdToken(this.ctx.db, idToken))) await this.get(idToken);
  }

  /**
   * The authorization decision: not registered (or registered with another type) -> Unknown;
   * a refusal status as stored; past its expiry -> Expired; a parent (group) that is not Accepted
   * passes its status on; with `concurrent`, an Accepted token already charging elsewhere ->
   * ConcurrentTx. A 2.x NoAuthorization token (a station without identification, e.g. a start
   * button) is Accepted: the station was configured to charge without one.
   */
  async authorize(token: string | PresentedIdToken, opts: { concurrent?: boolean; exceptTransactionId?: number } = {}): Promise<IdTokenInfo> {
    const presented = typeof token === 'string' ? { idToken: token } : token;
    if (presented.type === 'NoAuthorization') return { status: 'Accepted' };
    const t = await repo.matchIdToken(this.ctx.db, presented.idToken);
    if (!t || (presented.type !== undefined && t.type !== null && t.type !== presented.type)) return { status: 'Unknown' };
    const info: IdTokenInfo = { status: t.status };
    if (t.expiresAt) info.expiresAt = t.expiresAt;
    if (t.personalMessage) info.personalMessage = t.personalMessage;
    const parent = t.parentIdToken ? await repo.matchIdToken(this.ctx.db, t.parentIdToken) : undefined;
    if (t.parentIdToken) info.parentIdToken = t.parentIdToken;
    if (parent?.type) info.parentIdTokenType = parent.type;
    if (t.status !== 'Accepted') return info;
    if (expired(t.expiresAt)) return { ...info, status: 'Expired' };
    if (parent && parent.status !== 'Accepted') return { ...info, status: parent.status };
    if (parent && expired(parent.expiresAt)) return { ...info, status: 'Expired' };
    if (opts.concurrent && (await repo.activeTransactionOf(this.ctx.db, presented.idToken, opts.exceptTransactionId)) !== undefined) {
      return { ...info, status: 'ConcurrentTx' };
    }
    return info;
  }

  /**
   * C16: the decision for a token presented at a 2.x station if it is a master pass there (its
   * group, the parent id token, is the station's AuthCtrlr.MasterPassGroupId; case insensitive),
   * else undefined. A master pass stops any transaction and starts none, so it is never
   * ConcurrentTx.
   */
  async masterPass(stationId: string, token: PresentedIdToken): Promise<IdTokenInfo | undefined> {
    if (token.type === 'NoAuthorization') return undefined;
    const group = await repo.masterPassGroup(this.ctx.db, stationId);
    if (!group) return undefined;
    const info = await this.authorize(token);
    return info.parentIdToken?.toLowerCase() === group.toLowerCase() ? info : undefined;
  }

  private check(t: {
    idToken: string; status?: string | undefined; type?: string | null | undefined; expiresAt?: string | null | undefined;
    parentIdToken?: string | null | undefined;
  }): void {
    if (t.status && !ID_TOKEN_STATUSES.includes(t.status as IdTokenStatus)) {
      throw new AppError('VALIDATION_FAILED', `status must be one of ${ID_TOKEN_STATUSES.join(', ')}`);
    }
    if (t.type && !(ID_TOKEN_TYPES as readonly string[]).includes(t.type)) {
      throw new AppError('VALIDATION_FAILED', `type must be one of ${ID_TOKEN_TYPES.join(', ')}, or null for any type`);
    }
    if (t.expiresAt && Number.isNaN(Date.parse(t.expiresAt))) {
      throw new AppError('VALIDATION_FAILED', 'expiresAt must be an ISO-8601 date-time, e.g. 2030-01-01T00:00:00Z');
    }
    if (t.parentIdToken && t.parentIdToken.toLowerCase() === t.idToken.toLowerCase()) {
      throw new AppError('VALIDATION_FAILED', 'parentIdToken must differ from idToken');
    }
  }
}

function expired(at: string | null): boolean {
  return at !== null && new Date(at).getTime() <= Date.now();
}
