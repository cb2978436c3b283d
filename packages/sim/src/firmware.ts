import type { V16 } from '@voltlane/ocpp';
import type { SimStation } from './station.js';
import { download, fileNameOf } from './transfer.js';

type FirmwareStatus = V16.FirmwareStatusEnumType;

/** A firmware update the CSMS asked for (UpdateFirmware or the whitepaper's SignedUpdateFirmware). */
export interface FirmwareJob {
  location: string;
  /** Epoch ms at which to start the download. */
  retrieveAt: number;
  retries: number;
  retryIntervalSec: number;
  /** Set for SignedUpdateFirmware: status goes out as SignedFirmwareStatusNotification with this request id. */
  requestId?: number;
  /**
   * OCPP 2.x UpdateFirmware: statuses go out as FirmwareStatusNotification with `requestId`;
   * SignatureVerified only for a signed firmware; Installed is reported after the reboot.
   */
  ocpp2?: { signed: boolean };
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_DELAY = 2_147_483_647;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Plans a firmware update for its retrieve date (replacing any planned one). The single timer
 * lives on the station so that stop() can clear it.
 * @example scheduleFirmware(station, { location: 'http://h/fw/2.0.bin', retrieveAt: Date.now(), retries: 1, retryIntervalSec: 10 });
 */
export function scheduleFirmware(st: SimStation, job: FirmwareJob): void {
  clearTimeout(st.firmwareTimer);
  const wait = job.retrieveAt - Date.now();
  st.firmwareTimer = setTimeout(() => {
    st.firmwareTimer = undefined;
    if (job.retrieveAt > Date.now()) return scheduleFirmware(st, job);
    runFirmware(st, job).catch((e: Error) => st.log(`firmware update failed: ${e.message}`));
  }, Math.min(Math.max(0, wait), MAX_DELAY));
}

async function report(st: SimStation, job: FirmwareJob, status: FirmwareStatus): Promise<void> {
  st.firmwareStatus = status;
  if (job.ocpp2) await st.notify('FirmwareStatusNotification', job.requestId !== undefined ? { status, requestId: job.requestId } : { status });
  else if (job.requestId !== undefined) await st.notify('SignedFirmwareStatusNotification', { status, requestId: job.requestId });
  else await st.notify('FirmwareStatusNotification', { status });
}

/**
 * Downloading -> Downloaded (or DownloadFailed after the retries) -> Installing -> Installed,
 * then the station runs the new version (named after the file) and reboots. 2.x: ... ->
 * Installing -> InstallRebooting, reboot, and Installed once the CSMS accepted the new boot.
 * @example await runFirmware(station, { location: 'http://h/fw/2.0.bin', retrieveAt: Date.now(), retries: 0, retryIntervalSec: 30 });
 */
export async function runFirmware(st: SimStation, job: FirmwareJob): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await report(st, job, 'Downloading');
    try {
      const bytes = await download(job.location);
      st.log(`firmware downloaded: ${bytes} bytes from ${job.location}`);
      break;
    } catch (e) {
      st.log(`firmware download failed: ${(e as Error).message}`);
      if (attempt >= job.retries) {
        await report(st, job, 'DownloadFailed');
        st.firmwareStatus = 'Idle';
        return;
      }
      await sleep(job.retryIntervalSec * 1000);
    }
  }
  await report(st, job, 'Downloaded');
  if (job.ocpp2 ? job.ocpp2.signed : job.requestId !== undefined) await report(st, job, 'SignatureVerified');
  await report(st, job, 'Installing');
  st.firmwareVersion = fileNameOf(job.location).slice(0, 50);
  if (job.ocpp2 && st.ocpp2) {
    await report(st, job, 'InstallRebooting');
    st.ocpp2.firmwareInstalled = job.requestId ?? -1;
    st.firmwareStatus = 'Idle';
    return st.ocpp2.reboot('FirmwareUpdate');
  }
  await report(st, job, 'Installed');
  st.firmwareStatus = 'Idle';
  await st.reboot('Firmware');
}
