import type { V16 } from '@voltlane/ocpp';
import type { SimStation } from '../station.js';
import type { Handlers } from './index.js';

type Requested = V16.TriggerMessageRequest['requestedMessage'] | V16.ExtendedTriggerMessageRequest['requestedMessage'];

/** 1.6 FirmwareStatusNotification knows fewer statuses than the whitepaper's signed variant. */
const V16_FIRMWARE = new Set(['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']);

/** Sends the requested message, as if the station's own reason to send it had come. */
async function send(st: SimStation, what: Requested, connectorId: number | undefined, extended: boolean): Promise<void> {
  switch (what) {
    case 'BootNotification':
      return st.link.boot();
    case 'Heartbeat':
      await st.notify('Heartbeat', {}, true);
      return;
    case 'StatusNotification':
      for (const c of connectorId !== undefined ? [st.connector(connectorId)!] : st.connectors) await st.sendStatus(c, true);
      return;
    case 'MeterValues':
      for (const c of st.connectors) {
        if ((connectorId === undefined && c.id > 0) || c.id === connectorId) await st.metering.send(c, 'Trigger');
      }
      return;
    case 'DiagnosticsStatusNotification':
      await st.notify('DiagnosticsStatusNotification', { status: st.diagnosticsStatus }, true);
      return;
    case 'FirmwareStatusNotification':
      if (extended) await st.notify('SignedFirmwareStatusNotification', { status: st.firmwareStatus }, true);
      else await st.notify('FirmwareStatusNotification', { status: V16_FIRMWARE.has(st.firmwareStatus) ? st.firmwareStatus : 'Idle' }, true);
      return;
    case 'LogStatusNotification':
      await st.notify('LogStatusNotification', { status: st.logStatus }, true);
      return;
    case 'SignChargePointCertificate':
      await st.notify('SignCertificate', { csr: await st.certificateRequest() }, true);
      return;
  }
}

function trigger(st: SimStation, what: Requested, connectorId: number | undefined, extended: boolean): { status: 'Accepted' | 'Rejected' } {
  if (connectorId !== undefined && !st.connector(connectorId)) return { status: 'Rejected' };
  st.later(`${extended ? 'ExtendedTriggerMessage' : 'TriggerMessage'} ${what}`, () => send(st, what, connectorId, extended));
  return { status: 'Accepted' };
}

/** Remote Trigger profile (1.6 section 5.17) and the whitepaper's ExtendedTriggerMessage. */
export const remoteTrigger: Handlers<'TriggerMessage' | 'ExtendedTriggerMessage'> = {
  TriggerMessage: (st, req) => trigger(st, req.requestedMessage, req.connectorId, false),
  ExtendedTriggerMessage: (st, req) => trigger(st, req.requestedMessage, req.connectorId, true),
};
