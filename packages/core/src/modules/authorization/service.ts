import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { page } from '../../rows.js';
import * as repo from './repository.js';
import type { IdToken, IdTokenStatus } from './repository.js';

/** The answer about one id token, version-neutral (1.6 idTagInfo, 2.0.1 idTokenInfo). */
export interface IdTokenInfo {
  status: IdTokenStatus | 'ConcurrentTx';
  expiresAt?: string;
  parentIdToken?: string;
}

const STATUSES: IdTokenStatus[] = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

/**
 * Id tokens (RFID cards, app tokens) and the authorization decision for them.
 * @example const info = await auth.authorize('TAG1', { concurrent: true });
 */
export class AuthorizationService {
  constructor(private readonly ctx: CoreContext) {}

  async create(t: { idToken: string; status: IdTokenStatus; expiresAt?: string | undefined; parentIdToken?: string | undefined }): Promise<IdToken> {
    this.check(t);
    const ok = await repo.insertIdToken(this.ctx.db, {
      idToken: t.idToken, status: t.status, expiresAt: t.expiresAt ?? null, parentIdToken: t.parentIdToken ?? null,
    });
    if (!ok) throw new AppError('ALREADY_EXISTS', `Id token ${t.idToken} already exists: use PATCH /api/v1/id-tokens/${t.idToken}`);
    return this.get(t.idToken);
  }

  async get(idToken: string): Promise<IdToken> {
    const t = await repo.findIdToken(this.ctx.db, idToken);
    if (!t) throw new AppError('ID_TOKEN_NOT_FOUND', `Id token ${idToken} does not exist: create it with POST /api/v1/id-tokens`);
    return t;
  }

  list(q: { limit?: number; offset?: number; status?: string; q?: string }) {
    return repo.listIdTokens(this.ctx.db, { ...q, ...page(q) });
  }

  async update(idToken: string, p: { status?: IdTokenStatus; expiresAt?: string | null; parentIdToken?: string | null }): Promise<IdToken> {
    this.check({ idToken, ...p });
    if (!(await repo.updateIdToken(this.ctx.db, idToken, p))) await this.get(idToken);
    return this.get(idToken);
  }

  async delete(idToken: string): Promise<void> {
    if (!(await repo.deleteIdToken(this.ctx.db, idToken))) await this.get(idToken);
  }

  /**
   * The authorization decision: unknown -> Invalid; Blocked/Expired/Invalid as stored; past its
   * expiry -> Expired; a parent that is not Accepted passes its status on; with `concurrent`, an
   * Accepted token already charging elsewhere -> ConcurrentTx.
   */
  async authorize(idToken: string, opts: { concurrent?: boolean; exceptTransactionId?: number } = {}): Promise<IdTokenInfo> {
    const t = await repo.findIdToken(this.ctx.db, idToken);
    if (!t) return { status: 'Invalid' };
    const info: IdTokenInfo = { status: t.status };
    if (t.expiresAt) info.expiresAt = t.expiresAt;
    if (t.parentIdToken) info.parentIdToken = t.parentIdToken;
    if (t.status !== 'Accepted') return info;
    if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now()) return { ...info, status: 'Expired' };
    if (t.parentIdToken && t.parentIdToken !== t.idToken) {
      const parent = await repo.findIdToken(this.ctx.db, t.parentIdToken);
      if (parent && parent.status !== 'Accepted') return { ...info, status: parent.status };
      if (parent?.expiresAt && new Date(parent.expiresAt).getTime() <= Date.now()) return { ...info, status: 'Expired' };
    }
    if (opts.concurrent && (await repo.activeTransactionOf(this.ctx.db, idToken, opts.exceptTransactionId)) !== undefined) {
      return { ...info, status: 'ConcurrentTx' };
    }
    return info;
  }

  private check(t: { idToken: string; status?: string | undefined; expiresAt?: string | null | undefined; parentIdToken?: string | null | undefined }): void {
    if (t.status && !STATUSES.includes(t.status as IdTokenStatus)) {
      throw new AppError('VALIDATION_FAILED', `status must be one of ${STATUSES.join(', ')}`);
    }
    if (t.expiresAt && Number.isNaN(Date.parse(t.expiresAt))) {
      throw new AppError('VALIDATION_FAILED', 'expiresAt must be an ISO-8601 date-time, e.g. 2030-01-01T00:00:00Z');
    }
    if (t.parentIdToken === t.idToken) throw new AppError('VALIDATION_FAILED', 'parentIdToken must differ from idToken');
  }
}

/** 1.6 idTagInfo from the version-neutral answer. */
export function toIdTagInfo(info: IdTokenInfo): { status: IdTokenInfo['status']; expiryDate?: string; parentIdTag?: string } {
  return {
    status: info.status,
    ...(info.expiresAt ? { expiryDate: info.expiresAt } : {}),
    ...(info.parentIdToken ? { parentIdTag: info.parentIdToken } : {}),
  };
}
