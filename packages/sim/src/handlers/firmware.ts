import { diagnosticsText, logFileName, uploadFile } from '../diagnostics.js';
import { scheduleFirmware } from '../firmware.js';
import type { Handlers } from './index.js';

/** Firmware Management profile (1.6 sections 5.9 and 5.19): firmware update and diagnostics upload. */
export const firmware: Handlers<'UpdateFirmware' | 'GetDiagnostics'> = {
  UpdateFirmware(st, req) {
    scheduleFirmware(st, {
      location: req.location,
      retrieveAt: Date.parse(req.retrieveDate) || Date.now(),
      retries: req.retries ?? 0,
      retryIntervalSec: req.retryInterval ?? 30,
    });
    return {};
  },

  GetDiagnostics(st, req) {
    const fileName = logFileName('diagnostics', st.id);
    st.later('GetDiagnostics', () =>
      uploadFile(st, {
        location: req.location,
        fileName,
        body: diagnosticsText(st, req),
        retries: req.retries ?? 0,
        retryIntervalSec: req.retryInterval ?? 30,
        report: async (phase) => {
          const status = phase === 'Failed' ? 'UploadFailed' : phase;
          st.diagnosticsStatus = status;
          await st.notify('DiagnosticsStatusNotification', { status });
          if (phase !== 'Uploading') st.diagnosticsStatus = 'Idle';
        },
      }),
    );
    return { fileName };
  },
};
