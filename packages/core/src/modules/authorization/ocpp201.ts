import type { HandlerRegistry } from '../../registry.js';
import { toIdTokenInfo2x, type AuthorizationService } from './service.js';

/**
 * OCPP 2.0.1/2.1 authorization (C01-C06, C09-C12): Authorize of any id token type, answered with
 * status, cacheExpiryDateTime, groupIdToken and personalMessage.
 *
 * ISO 15118 contract certificates (C07): Voltlane has no PKI to check them yet, so a request
 * carrying a certificate or OCSP hash data is answered certificateStatus CertChainError (never a
 * validity it did not check); the id token itself still gets its normal answer.
 */
export function registerAuthorization201(reg: HandlerRegistry, auth: AuthorizationService): void {
  reg.on201('Authorize', async (call, req) => {
    const info = await auth.authorize({ idToken: req.idToken.idToken, type: req.idToken.type }, { concurrent: true });
    const withCertificate = req.certificate !== undefined || req.iso15118CertificateHashData !== undefined;
    return {
      idTokenInfo: toIdTokenInfo2x(info, call.version),
      ...(withCertificate ? { certificateStatus: 'CertChainError' as const } : {}),
    };
  });
}
