import type { Handlers } from './index.js';

/** Local Auth List Management profile (1.6 sections 5.10 and 5.15). */
export const localList: Handlers<'SendLocalList' | 'GetLocalListVersion'> = {
  SendLocalList(st, req) {
    const status = st.auth.update(req, st.config.int('SendLocalListMaxLength'), st.config.int('LocalAuthListMaxLength'));
    st.log(`SendLocalList ${req.updateType} v${req.listVersion}: ${status} (${st.auth.listSize} entries)`);
    return { status };
  },

  GetLocalListVersion(st) {
    return { listVersion: st.auth.version };
  },
};
