import type { StatusInfo } from './certificates.js';

/** Where the ISO 15118 contract certificate service is (VOLTLANE_V2G_CERT_*). */
export interface V2gCertServiceOptions {
  url: string;
  token?: string | undefined;
  timeoutMs?: number;
}

/** What a station asks in Get15118EVCertificate (2.1 adds the last two fields). */
export interface EvCertificateRequest {
  iso15118SchemaVersion: string;
  action: 'Install' | 'Update';
  exiRequest: string;
  maximumContractCertificateChains?: number | undefined;
  prioritizedEMAIDs?: string[] | undefined;
}

/** The Get15118EVCertificateResponse fields Voltlane fills. */
export interface EvCertificateAnswer {
  status: 'Accepted' | 'Failed';
  statusInfo?: StatusInfo;
  exiResponse: string;
  remainingContracts?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Forwards an EV's CertificateInstallationReq/CertificateUpdateReq (M01/M02) to a contract
 * certificate service and returns its answer for the station. The contract:
 * `POST <url>` with JSON `{"iso15118SchemaVersion", "action", "exiRequest"}` (plus
 * `maximumContractCertificateChains`, `prioritizedEMAIDs` from 2.1 stations; header
 * `X-Voltlane-Station-Id`), answered 200 with JSON `{"status": "Accepted"|"Failed", "exiResponse",
 * "statusInfo"?, "remainingContracts"?}`. Anything else becomes `Failed` with a reason, never a
 * CALLERROR: the station can tell the EV.
 * @example await forwardEvCertificate({ url }, 'CP1', req, true)
 */
export async function forwardEvCertificate(opts: V2gCertServiceOptions, stationId: string, req: EvCertificateRequest, v21: boolean): Promise<EvCertificateAnswer> {
  const failed = (reasonCode: string, additionalInfo: string): EvCertificateAnswer => ({
    status: 'Failed', statusInfo: { reasonCode, additionalInfo: additionalInfo.slice(0, 512) }, exiResponse: '',
  });
  let res: Response;
  try {
    res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json', 'x-voltlane-station-id': stationId,
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      body: JSON.stringify({
        iso15118SchemaVersion: req.iso15118SchemaVersion, action: req.action, exiRequest: req.exiRequest,
        ...(req.maximumContractCertificateChains !== undefined ? { maximumContractCertificateChains: req.maximumContractCertificateChains } : {}),
        ...(req.prioritizedEMAIDs ? { prioritizedEMAIDs: req.prioritizedEMAIDs } : {}),
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch (err) {
    return failed('Unreachable', `contract certificate service ${opts.url} unreachable: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) return failed('ServiceError', `contract certificate service answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return failed('InvalidResponse', 'contract certificate service answered no JSON');
  }
  const { status, exiResponse, statusInfo, remainingContracts } = body;
  if ((status !== 'Accepted' && status !== 'Failed') || typeof exiResponse !== 'string' || exiResponse.length > 5600 || !BASE64.test(exiResponse)) {
    return failed('InvalidResponse', 'contract certificate service answered without status Accepted|Failed and a base64 exiResponse of at most 5600 characters');
  }
  const info = statusInfo as StatusInfo | undefined;
  return {
    status, exiResponse,
    ...(info && typeof info.reasonCode === 'string'
      ? { statusInfo: { reasonCode: info.reasonCode.slice(0, 20), ...(typeof info.additionalInfo === 'string' ? { additionalInfo: info.additionalInfo.slice(0, 512) } : {}) } }
      : {}),
    ...(v21 && Number.isInteger(remainingContracts) && (remainingContracts as number) >= 0 ? { remainingContracts: remainingContracts as number } : {}),
  };
}
