import type { SimStation } from './station.js';
import { upload, uploadUrl } from './transfer.js';

/** Phases of an upload, mapped by the caller to DiagnosticsStatusNotification or LogStatusNotification. */
export type UploadPhase = 'Uploading' | 'Uploaded' | 'Failed';

export interface UploadJob {
  /** Directory URL from the CSMS; the file goes below it. */
  location: string;
  fileName: string;
  body: string;
  retries: number;
  retryIntervalSec: number;
  report: (phase: UploadPhase) => Promise<unknown>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * A file name for a diagnostics or log upload: kind, station id (made file-safe) and time.
 * @example logFileName('diagnostics', 'CP 1') // -> 'diagnostics-CP_1-20240101T120000Z.log'
 */
export function logFileName(kind: string, stationId: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stationId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.log`;
}

/**
 * A small diagnostics file: identity, the requested time window, connectors and configuration.
 * @example const text = diagnosticsText(station, { startTime: '2024-01-01T00:00:00Z' });
 */
export function diagnosticsText(st: SimStation, window: { startTime?: string; stopTime?: string }): string {
  const snap = st.snapshot();
  const lines = [
    `Voltlane simulator diagnostics for ${snap.id}`,
    `generated ${new Date().toISOString()}; window ${window.startTime ?? '-'} .. ${window.stopTime ?? '-'}`,
    `firmware ${snap.firmwareVersion}; registration ${snap.registrationStatus ?? '-'}; queued messages ${snap.queuedMessages}`,
    ...snap.connectors.map((c) => `connector ${c.connectorId}: ${c.status} ${c.energyWh} Wh ${c.powerW} W${c.transactionId !== undefined ? ` tx ${c.transactionId}` : ''}`),
    ...Object.entries(snap.configuration).map(([k, v]) => `config ${k}=${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Uploads a file with HTTP PUT to `location/fileName`, reporting Uploading and then Uploaded or
 * Failed (after the retries). Never throws.
 * @example await uploadFile(station, { location: 'http://h/up', fileName: 'a.log', body: 'hi', retries: 0, retryIntervalSec: 30, report: async () => {} });
 */
export async function uploadFile(st: SimStation, job: UploadJob): Promise<void> {
  await job.report('Uploading');
  for (let attempt = 0; ; attempt++) {
    try {
      await upload(uploadUrl(job.location, job.fileName), job.body);
      st.log(`uploaded ${job.fileName}`);
      await job.report('Uploaded');
      return;
    } catch (e) {
      st.log(`upload of ${job.fileName} failed: ${(e as Error).message}`);
      if (attempt >= job.retries) {
        await job.report('Failed');
        return;
      }
      await sleep(job.retryIntervalSec * 1000);
    }
  }
}

/** A GetLog request: the same shape in the 1.6 Security Whitepaper and OCPP 2.0.1. */
export interface GetLogRequest {
  logType: string;
  requestId: number;
  retries?: number;
  retryInterval?: number;
  log: { remoteLocation: string; oldestTimestamp?: string; latestTimestamp?: string };
}

/**
 * Starts a GetLog upload after the reply: LogStatusNotification Uploading, then Uploaded or
 * UploadFailure. Returns the file name to put in the reply.
 */
export function startLogUpload(st: SimStation, req: GetLogRequest): string {
  const filename = logFileName(req.logType === 'SecurityLog' ? 'security' : 'diagnostics', st.id);
  st.later('GetLog', () =>
    uploadFile(st, {
      location: req.log.remoteLocation,
      fileName: filename,
      body: diagnosticsText(st, { startTime: req.log.oldestTimestamp, stopTime: req.log.latestTimestamp }),
      retries: req.retries ?? 0,
      retryIntervalSec: req.retryInterval ?? 30,
      report: async (phase) => {
        const status = phase === 'Failed' ? 'UploadFailure' : phase;
        st.logStatus = status;
        await st.notify('LogStatusNotification', { status, requestId: req.requestId });
        if (phase !== 'Uploading') st.logStatus = 'Idle';
      },
    }),
  );
  return filename;
}
