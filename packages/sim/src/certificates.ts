// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API
// loaded before it (ESM evaluates imports in order).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** ECDSA P-256 with SHA-256: the key and signature a station's CSR uses. */
const EC: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A certificate the station installed from CertificateSigned, with the key it generated for it. */
export interface OwnCertificate {
  /** The PEM chain as received (leaf first). */
  chainPem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  notAfter: Date;
}

/** Why a CertificateSigned chain is refused (undefined: installed). */
export type CertificateProblem = string | undefined;

const b64 = (der: ArrayBuffer) => Buffer.from(der).toString('base64');

/**
 * The station's own key pairs and certificates (1.6 Security Whitepaper SignCertificate /
 * CertificateSigned, 2.x A02/A03): a CSR is a real PKCS#10 request for a fresh P-256 key, the
 * key is kept until the CSMS returns the certificate, and a certificate is installed only if it
 * is for that key and valid now. One pending key per certificate type (2.x: ChargingStation or V2G).
 * @example
 * const csr = await store.request('CP1', 'Example CPO', 'ChargingStationCertificate');
 * const problem = await store.install(certificateChainPem, 'ChargingStationCertificate');
 */
export class OwnCertificates {
  private readonly pending = new Map<string, CryptoKeyPair>();
  private readonly installed = new Map<string, OwnCertificate>();

  /** A PEM CSR with subject CN = `commonName`, O = `organization`, for a new key kept for `type`. */
  async request(commonName: string, organization: string, type: string): Promise<string> {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    // JSON form: no DN string escaping to get wrong for ids with commas or plus signs.
    const name = new x509.Name([{ CN: [commonName] }, { O: [organization] }]);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: EC });
    this.pending.set(type, keys);
    return csr.toString('pem');
  }

  /**
   * Installs the chain the CSMS signed for the pending request of `type`: the leaf must carry
   * the pending key's public key and be valid now. Returns what is wrong, or undefined.
   */
  async install(chainPem: string, type: string): Promise<CertificateProblem> {
    const keys = this.pending.get(type);
    if (!keys) return `no certificate request of type ${type} is pending`;
    let leaf: x509.X509Certificate;
    try {
      const first = x509.PemConverter.decode(chainPem)[0];
      if (!first) return 'the chain holds no PEM certificate';
      leaf = new x509.X509Certificate(first);
    } catch (e) {
      return `the chain does not parse (${(e as Error).message})`;
    }
    const expected = b64(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    if (b64(leaf.publicKey.rawData) !== expected) return 'the certificate is not for the key of the pending request';
    const now = new Date();
    if (leaf.notBefore > now || leaf.notAfter < now) return `the certificate is not valid now (${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()})`;
    const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    this.installed.set(type, {
      chainPem, keyPem: x509.PemConverter.encode(der, 'PRIVATE KEY'), serialNumber: leaf.serialNumber, subject: leaf.subject,
      issuer: leaf.issuer, notAfter: leaf.notAfter,
    });
    this.pending.delete(type);
    return undefined;
  }

  /** The installed certificate of a type, if any. */
  get(type: string): OwnCertificate | undefined {
    return this.installed.get(type);
  }
}
