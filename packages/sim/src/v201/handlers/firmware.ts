import { scheduleFirmware } from '../../firmware.js';
import { PEM_CERT } from '../../handlers/security.js';
import type { Handlers201 } from './index.js';

/**
 * L Firmware management (2.0.1) on the shared firmware job: HTTP(S) download, then
 * FirmwareStatusNotification (with requestId) Downloading, Downloaded, SignatureVerified (signed
 * firmware), Installing, InstallRebooting, reboot, Installed after the new boot.
 */
export const firmware: Handlers201<'UpdateFirmware'> = {
  UpdateFirmware(o, req) {
    const st = o.st;
    const fw = req.firmware;
    if (fw.signingCertificate !== undefined && !PEM_CERT.test(fw.signingCertificate)) return { status: 'InvalidCertificate' };
    // A newer request replaces the one in progress.
    const replaced = st.firmwareTimer !== undefined || (st.firmwareStatus !== 'Idle' && st.firmwareStatus !== 'Installed');
    const retrieveAt = Date.parse(fw.retrieveDateTime) || Date.now();
    scheduleFirmware(st, {
      location: fw.location,
      retrieveAt,
      retries: req.retries ?? 0,
      retryIntervalSec: req.retryInterval ?? 30,
      requestId: req.requestId,
      ocpp2: { signed: fw.signature !== undefined },
    });
    if (retrieveAt > Date.now() + 1000) {
      st.later('UpdateFirmware', () => st.notify('FirmwareStatusNotification', { status: 'DownloadScheduled', requestId: req.requestId }));
    }
    return { status: replaced ? 'AcceptedCanceled' : 'Accepted' };
  },
};
