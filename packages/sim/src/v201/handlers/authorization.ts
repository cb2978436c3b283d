import type { V16 } from '@voltlane/ocpp';
import { toIdTagInfo } from '../transactions.js';
import type { Handlers201 } from './index.js';

/** C Authorization (cache) and D Local authorization list (2.0.1), on the shared LocalAuth store. */
export const authorization: Handlers201<'ClearCache' | 'SendLocalList' | 'GetLocalListVersion'> = {
  ClearCache(o) {
    if (!o.model.bool('AuthCacheCtrlr', 'Enabled')) return { status: 'Rejected' };
    o.st.auth.clearCache();
    return { status: 'Accepted' };
  },

  SendLocalList(o, req) {
    // The shared store keeps the 1.6 shape: the idToken's text is the key (idTokens are case-insensitive ids of one type here).
    const list: V16.SendLocalListRequest = { listVersion: req.versionNumber, updateType: req.updateType };
    if (req.localAuthorizationList) {
      list.localAuthorizationList = req.localAuthorizationList.map((e) => ({
        idTag: e.idToken.idToken,
        ...(e.idTokenInfo ? { idTagInfo: toIdTagInfo(e.idTokenInfo) } : {}),
      }));
    }
    const { model, st } = o;
    const result = st.auth.update(list, model.int('LocalAuthListCtrlr', 'ItemsPerMessage'), 1000);
    const status = result === 'NotSupported' ? 'Failed' : result;
    st.log(`SendLocalList ${req.updateType} v${req.versionNumber}: ${status} (${st.auth.listSize} entries)`);
    return { status };
  },

  GetLocalListVersion(o) {
    return { versionNumber: o.st.auth.version };
  },
};
