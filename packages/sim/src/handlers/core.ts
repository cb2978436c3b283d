import type { Connector } from '../connector.js';
import type { SimStation } from '../station.js';
import type { Handlers } from './index.js';

/** Whether a connector can take a new session for this tag now. */
function isFree(st: SimStation, c: Connector, idTag: string): boolean {
  if (c.id === 0 || c.tx || !c.operative || !st.connectors[0]!.operative) return false;
  const r = st.reservationsIfAny()?.forConnector(c.id);
  return !r || r.idTag === idTag;
}

/**
 * Core profile (1.6 chapter 5): availability, configuration, cache, data transfer, remote
 * start/stop, reset and unlock.
 */
export const core: Handlers<
  | 'ChangeAvailability' | 'ChangeConfiguration' | 'ClearCache' | 'DataTransfer' | 'GetConfiguration'
  | 'RemoteStartTransaction' | 'RemoteStopTransaction' | 'Reset' | 'UnlockConnector'
> = {
  ChangeAvailability(st, req) {
    const c = st.connector(req.connectorId);
    if (!c) return { status: 'Rejected' };
    const operative = req.type === 'Operative';
    // A running transaction keeps going; the connector turns Unavailable when it ends.
    const busy = req.connectorId === 0 ? st.connectors.some((x) => x.tx) : c.tx !== undefined;
    c.operative = operative;
    st.later('ChangeAvailability', () => (req.connectorId === 0 ? st.refreshAll() : st.refreshStatus(c)));
    return { status: !operative && busy ? 'Scheduled' : 'Accepted' };
  },

  ChangeConfiguration(st, req) {
    const status = st.config.change(req.key, req.value);
    if (status === 'Accepted') st.configChanged(req.key);
    return { status };
  },

  ClearCache(st) {
    st.auth.clearCache();
    return { status: 'Accepted' };
  },

  DataTransfer(_st, req) {
    if (req.vendorId !== 'Voltlane') return { status: 'UnknownVendorId' };
    if (req.messageId !== 'echo') return { status: 'UnknownMessageId' };
    return req.data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data: req.data };
  },

  GetConfiguration(st, req) {
    const { configurationKey, unknownKey } = st.config.report(req.key);
    return unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey };
  },

  RemoteStartTransaction(st, req) {
    const profile = req.chargingProfile;
    if (profile && (profile.chargingProfilePurpose !== 'TxProfile' || profile.stackLevel > st.config.int('ChargeProfileMaxStackLevel'))) {
      return { status: 'Rejected' };
    }
    const c =
      req.connectorId !== undefined
        ? st.connector(req.connectorId)
        : st.connectors.find((x) => isFree(st, x, req.idTag) && x.plugged) ?? st.connectors.find((x) => isFree(st, x, req.idTag));
    if (!c || !isFree(st, c, req.idTag)) return { status: 'Rejected' };
    st.later('RemoteStartTransaction', async () => {
      const how = { authorize: st.config.bool('AuthorizeRemoteTxRequests'), ...(profile ? { profile } : {}) };
      const result = await st.tx.begin(c, req.idTag, how);
      if (result.status !== 'Accepted') st.log(`remote start on connector ${c.id} not started: ${result.status}`);
    });
    return { status: 'Accepted' };
  },

  RemoteStopTransaction(st, req) {
    const c = st.connectors.find((x) => x.tx?.id === req.transactionId);
    if (!c) return { status: 'Rejected' };
    st.later('RemoteStopTransaction', () => st.tx.end(c, 'Remote'));
    return { status: 'Accepted' };
  },

  Reset(st, req) {
    st.later('Reset', () => st.reboot(req.type));
    return { status: 'Accepted' };
  },

  UnlockConnector(st, req) {
    const c = st.connector(req.connectorId);
    if (!c || c.id === 0) return { status: 'NotSupported' };
    if (c.tx) st.later('UnlockConnector', () => st.tx.end(c, 'UnlockCommand'));
    return { status: 'Unlocked' };
  },
};
