import type { V201 } from '@voltlane/ocpp';
import type { Connector } from '../../connector.js';
import type { Ocpp2 } from '../ocpp2.js';
import type { Handlers201 } from './index.js';

/** Whether an EVSE can take a new authorized session for this idToken now (a transaction the cable started may be waiting for one). */
function isFree(o: Ocpp2, c: Connector, idToken: string): boolean {
  const st = o.st;
  if (c.id === 0 || c.tx?.v2?.authorized || !c.operative || !st.connectors[0]!.operative) return false;
  const r = st.reservationsIfAny()?.forConnector(c.id);
  return !r || r.idTag === idToken;
}

type Requested = V201.MessageTriggerEnumType;

/** Sends the requested message for the EVSE (or all), as if the station's own reason to send it had come. */
async function send(o: Ocpp2, what: Requested, evse: Connector | undefined): Promise<void> {
  const st = o.st;
  const all = evse ? [evse] : st.connectors.filter((c) => c.id > 0);
  switch (what) {
    case 'BootNotification':
      o.bootReason = 'Triggered';
      return st.link.boot();
    case 'Heartbeat':
      await st.notify('Heartbeat', {}, true);
      return;
    case 'StatusNotification':
      for (const c of all) await st.sendStatus(c, true);
      return;
    case 'MeterValues':
      for (const c of evse ? [evse] : st.connectors) await o.meterValues(c, 'Trigger', o.model.list('AlignedDataCtrlr', 'Measurands'));
      return;
    case 'TransactionEvent':
      for (const c of all) if (c.tx) await o.reading(c, 'Trigger');
      return;
    case 'FirmwareStatusNotification':
      await st.notify('FirmwareStatusNotification', { status: st.firmwareStatus }, true);
      return;
    case 'LogStatusNotification':
      await st.notify('LogStatusNotification', { status: st.logStatus }, true);
      return;
    case 'SignChargingStationCertificate':
    case 'SignV2GCertificate': {
      const certificateType = what === 'SignV2GCertificate' ? 'V2GCertificate' : 'ChargingStationCertificate';
      await st.notify('SignCertificate', { csr: await st.certificateRequest(certificateType), certificateType }, true);
      return;
    }
  }
}

const TRIGGERABLE = new Set<Requested>([
  'BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues', 'TransactionEvent', 'FirmwareStatusNotification',
  'LogStatusNotification', 'SignChargingStationCertificate', 'SignV2GCertificate',
]);

/** F Remote control (2.0.1): remote start and stop, unlock, trigger message. */
export const remoteControl: Handlers201<'RequestStartTransaction' | 'RequestStopTransaction' | 'UnlockConnector' | 'TriggerMessage'> = {
  RequestStartTransaction(o, req) {
    const st = o.st;
    const profile = req.chargingProfile;
    if (profile && (profile.chargingProfilePurpose !== 'TxProfile' || profile.stackLevel > o.model.int('SmartChargingCtrlr', 'ProfileStackLevel'))) {
      return { status: 'Rejected' };
    }
    const token = req.idToken.idToken;
    const candidates = st.connectors.filter((c) => isFree(o, c, token));
    const c =
      req.evseId !== undefined
        ? st.connector(req.evseId)
        : (candidates.find((x) => x.tx) ?? candidates.find((x) => x.plugged) ?? candidates[0]);
    if (!c || !isFree(o, c, token)) return { status: 'Rejected' };
    // A transaction the cable started already has its id (2.0.1 F01.FR.24 / F02).
    const running = c.tx?.v2?.uuid;
    st.later('RequestStartTransaction', async () => {
      const how = {
        authorize: o.model.bool('AuthCtrlr', 'AuthorizeRemoteStart'),
        remoteStartId: req.remoteStartId,
        type: req.idToken.type,
        ...(profile ? { profile } : {}),
      };
      const result = await o.tx.begin(c, token, how);
      if (result.status !== 'Accepted') st.log(`remote start on EVSE ${c.id} not started: ${result.status}`);
    });
    return running ? { status: 'Accepted', transactionId: running } : { status: 'Accepted' };
  },

  RequestStopTransaction(o, req) {
    const c = o.byTransaction(req.transactionId);
    if (!c) return { status: 'Rejected' };
    o.st.later('RequestStopTransaction', () => o.tx.end(c, 'Remote', 'RemoteStop'));
    return { status: 'Accepted' };
  },

  UnlockConnector(o, req) {
    const c = o.st.connector(req.evseId);
    if (!c || c.id === 0 || req.connectorId !== 1) return { status: 'UnknownConnector' };
    // An authorized transaction keeps its cable locked (2.0.1 F05.FR.02).
    if (c.tx?.v2?.authorized) return { status: 'OngoingAuthorizedTransaction' };
    if (c.tx) o.st.later('UnlockConnector', () => o.tx.end(c, 'Other', 'UnlockCommand'));
    return { status: 'Unlocked' };
  },

  TriggerMessage(o, req) {
    const st = o.st;
    const what = req.requestedMessage;
    if (!TRIGGERABLE.has(what)) return { status: 'NotImplemented' };
    const evse = req.evse ? st.connector(req.evse.id) : undefined;
    if (req.evse && (!evse || evse.id === 0 || (req.evse.connectorId !== undefined && req.evse.connectorId !== 1))) return { status: 'Rejected' };
    // Once accepted, a station does not boot again on request (2.0.1 F06.FR.17).
    if (what === 'BootNotification' && st.registrationStatus === 'Accepted' && st.link.ready) return { status: 'Rejected' };
    if (what === 'TransactionEvent' && !(evse ? evse.tx : st.connectors.some((c) => c.tx))) return { status: 'Rejected' };
    st.later(`TriggerMessage ${what}`, () => send(o, what, evse));
    return { status: 'Accepted' };
  },
};
