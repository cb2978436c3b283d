import type { HandlerRegistry } from '../../registry.js';
import type { TariffService } from '../tariffs/service.js';
import type { ContractCertificateStatus } from '../security/contract-chain.js';
import type { OcspRequestData } from '../security/ocsp.js';
import { toIdTokenInfo2x, type AuthorizationService } from './service.js';

/**
 * OCPP 2.0.1/2.1 authorization (C01-C06, C09-C12): Authorize of any id token type, answered with
 * status, cacheExpiryDateTime, groupIdToken and personalMessage. C16: a token of the station's
 * master pass group (AuthCtrlr.MasterPassGroupId) is answered with that groupIdToken and no tariff.
 *
 * ISO 15118 contract certificates (C07), judged by `contractStatus`: a PEM `certificate` chain (the
 * station could not check it itself) is checked to a trusted root with signatures, validity and
 * OCSP; OCSP hash data is checked through OCSP. Without a checker, or when validity could not be
 * established, the answer is CertChainError. The id token still gets its normal answer.
 *
 * I01: an accepted token gets the tariff that applies to its driver at this station as
 * personalMessage (and language1 when the driver's language is known), unless the token has a
 * personal message of its own.
 */
export function registerAuthorization201(
  reg: HandlerRegistry,
  auth: AuthorizationService,
  tariffs?: Pick<TariffService, 'driverInfo'>,
  contractStatus?: (stationId: string, c: { certificate?: string | undefined; hashData?: OcspRequestData[] | undefined }) => Promise<ContractCertificateStatus>,
): void {
  reg.on201('Authorize', async (call, req) => {
    const token = { idToken: req.idToken.idToken, type: req.idToken.type };
    // C16: a master pass gets its status and groupIdToken (the station's MasterPassGroupId), by
    // which the station knows it may stop any transaction and must not start one.
    const master = await auth.masterPass(call.stationId, token);
    const info = master ?? (await auth.authorize(token, { concurrent: true }));
    const hashData = req.iso15118CertificateHashData;
    const contract = req.certificate !== undefined || hashData !== undefined;
    const certificateStatus = !contract ? undefined
      : contractStatus ? await contractStatus(call.stationId, { certificate: req.certificate, hashData })
      : ('CertChainError' as const);
    const tariff = tariffs && !master && info.status === 'Accepted' ? await tariffs.driverInfo(call.stationId, req.idToken.idToken, 0, call.version) : {};
    return {
      idTokenInfo: { ...tariff, ...toIdTokenInfo2x(info, call.version) },
      ...(certificateStatus ? { certificateStatus } : {}),
    };
  });
}
