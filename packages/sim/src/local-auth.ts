import type { V16 } from '@voltlane/ocpp';
import type { IdTagInfo } from './types.js';

/**
 * The local authorization list (SendLocalList) and the authorization cache (answers of
 * Authorize, StartTransaction and StopTransaction), as OCPP 1.6 describes them.
 * @example
 * const auth = new LocalAuth();
 * auth.update({ listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted' } }] }, 250, 1000);
 * auth.lookup('A', true, true)?.status // -> 'Accepted'
 */
export class LocalAuth {
  /** Version of the installed list (0: none installed yet). */
  version = 0;
  private list = new Map<string, IdTagInfo>();
  private readonly cache = new Map<string, IdTagInfo>();

  get listSize(): number {
    return this.list.size;
  }

  /** Applies a SendLocalList request. */
  update(req: V16.SendLocalListRequest, maxSendLength: number, maxLength: number): V16.SendLocalListResponse['status'] {
    const entries = req.localAuthorizationList ?? [];
    if (entries.length > maxSendLength) return 'Failed';
    if (req.updateType === 'Full') {
      const next = new Map<string, IdTagInfo>();
      for (const e of entries) if (e.idTagInfo) next.set(e.idTag, e.idTagInfo);
      if (next.size > maxLength) return 'Failed';
      this.list = next;
    } else {
      // A differential update must move the list forward; older or equal versions are stale.
      if (req.listVersion <= this.version) return 'VersionMismatch';
      const next = new Map(this.list);
      for (const e of entries) {
        if (e.idTagInfo) next.set(e.idTag, e.idTagInfo);
        else next.delete(e.idTag);
      }
      if (next.size > maxLength) return 'Failed';
      this.list = next;
    }
    this.version = req.listVersion;
    return 'Accepted';
  }

  /**
   * What the station knows about an id tag without asking the CSMS: the local list first, then
   * the cache. An entry past its expiryDate reads as Expired.
   */
  lookup(idTag: string, useList: boolean, useCache: boolean): IdTagInfo | undefined {
    const info = (useList ? this.list.get(idTag) : undefined) ?? (useCache ? this.cache.get(idTag) : undefined);
    if (!info) return undefined;
    if (info.status === 'Accepted' && info.expiryDate && Date.parse(info.expiryDate) < Date.now()) {
      return { ...info, status: 'Expired' };
    }
    return info;
  }

  /** Caches the CSMS's verdict on a tag (not for tags on the local list, which wins anyway). */
  remember(idTag: string, info: IdTagInfo): void {
    if (!this.list.has(idTag)) this.cache.set(idTag, info);
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Drops one tag from the cache (customer data cleared); the local list is the CSMS's to change. */
  forget(idTag: string): void {
    this.cache.delete(idTag);
  }

  entries(): { idTag: string; idTagInfo: IdTagInfo }[] {
    return [...this.list].map(([idTag, idTagInfo]) => ({ idTag, idTagInfo }));
  }
}
