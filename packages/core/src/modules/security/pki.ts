// @peculiar/x509 resolves its parsers through tsyringe, which needs the Reflect metadata API
// loaded before it (ESM evaluates imports in order).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** What a certificate is for: decides its key usages. */
export type CertificatePurpose = 'ca' | 'server' | 'client' | 'v2g';

/** A CA that can sign: its certificate (first of the bundle) and private key. */
export interface SigningCa {
  cert: x509.X509Certificate;
  /** The rest of the bundle (issuers above it), sent along in chains. */
  chain: x509.X509Certificate[];
  key: CryptoKey;
  signingAlgorithm: Algorithm | EcdsaParams;
}

/** A certificate as Voltlane records it. */
export interface CertificateInfo {
  serialNumber: string;
  subject: string;
  issuer: string;
  commonName: string | undefined;
  notBefore: Date;
  notAfter: Date;
  selfSigned: boolean;
}

/** OCPP CertificateHashDataType (hex digests), as stations report installed certificates. */
export interface CertificateHashData {
  hashAlgorithm: 'SHA256' | 'SHA384' | 'SHA512';
  issuerNameHash: string;
  /** Known only when the issuer's key is at hand (self-signed roots, our own CA). */
  issuerKeyHash: string | null;
  serialNumber: string;
}

/** Raised for PEM input that cannot be used; the message says what is wrong. */
export class PkiError extends Error {}

const EC: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

/**
 * An ECDSA P-256 key pair (OCPP 2.0.1 A00.FR.3xx allows EC keys of 224 bits and more; P-256 is what
 * TLS 1.2 suites for OCPP use).
 */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** PKCS#8 PEM of a private key. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Positive random serial, 16 bytes, hex (RFC 5280 allows up to 20 octets). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b.toString('hex');
}

/**
 * A self-signed CA certificate and key (for `voltlane certs dev` and tests).
 * @example const ca = await createCa({ commonName: 'Voltlane Dev CA', days: 3650 }); // { certPem, keyPem }
 */
export async function createCa(opts: { commonName: string; organization?: string; days: number }): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: dn(opts.commonName, opts.organization),
    keys,
    signingAlgorithm: EC,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + opts.days * DAY_MS),
    extensions: [...usageExtensions('ca'), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/**
 * Loads a CA from PEM: the certificate (or a bundle, issuing CA first) and its private key
 * (PKCS#8, or the traditional RSA/EC forms).
 */
export async function loadSigningCa(certPem: string, keyPem: string): Promise<SigningCa> {
  const [cert, ...chain] = parseCertificates(certPem);
  if (!cert) throw new PkiError('no certificate found in the CA file');
  let keyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    throw new PkiError(`the CA key is not a PEM private key (${(err as Error).message})`);
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  let importAlg: EcKeyImportParams | RsaHashedImportParams;
  let signingAlgorithm: Algorithm | EcdsaParams;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new PkiError(`the CA key uses curve ${keyObject.asymmetricKeyDetails?.namedCurve}; use P-256, P-384 or P-521`);
    importAlg = { name: 'ECDSA', namedCurve: curve };
    signingAlgorithm = { name: 'ECDSA', hash: curve === 'P-256' ? 'SHA-256' : 'SHA-384' } as EcdsaParams;
  } else if (keyObject.asymmetricKeyType === 'rsa') {
    importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm;
  } else {
    throw new PkiError(`the CA key is ${keyObject.asymmetricKeyType}; use an EC or RSA key`);
  }
  const key = await webcrypto.subtle.importKey('pkcs8', der, importAlg, false, ['sign']);
  // A key that does not belong to the certificate would issue certificates nobody can verify.
  const probe = await x509.X509CertificateGenerator.create({
    subject: 'CN=probe', issuer: cert.subjectName, publicKey: cert.publicKey, signingKey: key, signingAlgorithm,
  });
  if (!(await probe.verify({ publicKey: cert.publicKey, signatureOnly: true }))) {
    throw new PkiError('the CA key does not belong to the CA certificate');
  }
  return { cert, chain, key, signingAlgorithm };
}

/** Parses every certificate of a PEM bundle, in order. */
export function parseCertificates(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => {
    try {
      return new x509.X509Certificate(b);
    } catch (err) {
      throw new PkiError(`a certificate in the PEM cannot be parsed (${(err as Error).message})`);
    }
  });
}

/** A certificate from its DER encoding (as the TLS stack hands it over). */
export function certificateFromDer(der: Uint8Array): x509.X509Certificate {
  return new x509.X509Certificate(Uint8Array.from(der));
}

/** Subject, issuer, serial and validity of a certificate. */
export function describeCertificate(cert: x509.X509Certificate): CertificateInfo {
  return {
    serialNumber: normalizeSerial(cert.serialNumber),
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: cert.subjectName.getField('CN')[0],
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    selfSigned: cert.subject === cert.issuer,
  };
}

/**
 * A new key pair and a PEM CSR for it, as a charging station makes one for SignCertificate
 * (simulators and tests).
 * @example const { csrPem, keyPem } = await createCsr('CP1', 'Example CSO');
 */
export async function createCsr(commonName: string, organization?: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: dn(commonName, organization), keys, signingAlgorithm: EC });
  return { csrPem: csr.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/** A checked certificate signing request (RFC 2986, PEM). */
export interface ParsedCsr {
  csr: x509.Pkcs10CertificateRequest;
  subject: string;
  commonName: string | undefined;
}

/** Parses a PEM CSR and checks its self-signature (proof the requester holds the key). */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.trim());
  } catch (err) {
    throw new PkiError(`the CSR is not a PEM PKCS#10 request (${(err as Error).message})`);
  }
  if (!(await csr.verify())) throw new PkiError('the CSR signature does not match its public key');
  return { csr, subject: csr.subject, commonName: csr.subjectName.getField('CN')[0] };
}

/**
 * Issues a certificate for a public key, signed by the CA. `subject` is a DN or a Name taken from a CSR;
 * purpose `ca` makes a sub-CA (e.g. an MO sub-CA under a contract root).
 * @example const leaf = await issueCertificate(ca, { subject: 'CN=CP1', publicKey, purpose: 'client', days: 365 });
 */
export async function issueCertificate(
  ca: SigningCa,
  opts: {
    subject: string | x509.Name;
    publicKey: x509.PublicKey | CryptoKey;
    purpose: CertificatePurpose;
    days: number;
    /** DNS names and IP addresses for a server certificate. */
    hosts?: string[];
    /** OCSP responder URL written into the certificate (Authority Information Access). */
    ocspUrl?: string;
  },
): Promise<x509.X509Certificate> {
  const notAfter = new Date(Math.min(Date.now() + opts.days * DAY_MS, ca.cert.notAfter.getTime()));
  const extensions: x509.Extension[] = [
    ...usageExtensions(opts.purpose),
    await x509.SubjectKeyIdentifierExtension.create(opts.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
  ];
  if (opts.ocspUrl) extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: [opts.ocspUrl] }));
  if (opts.hosts?.length) {
    extensions.push(new x509.SubjectAlternativeNameExtension(opts.hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h }))));
  }
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: opts.subject,
    issuer: ca.cert.subjectName,
    publicKey: opts.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ca.signingAlgorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter,
    extensions,
  });
}

/**
 * PEM chain to send to a station: the leaf, then the issuing CAs up to (not including) a self-signed root.
 */
export function chainPem(leaf: x509.X509Certificate, ca: SigningCa): string {
  const issuers = [ca.cert, ...ca.chain].filter((c) => c.subject !== c.issuer);
  return [leaf, ...issuers].map((c) => c.toString('pem')).join('\n') + '\n';
}

/**
 * OCPP certificate hash data (issuer name hash, issuer key hash, serial). The issuer key hash needs
 * the issuer's certificate: the certificate itself when self-signed, else `issuer` if given.
 */
export async function certificateHashData(
  cert: x509.X509Certificate,
  hashAlgorithm: CertificateHashData['hashAlgorithm'] = 'SHA256',
  issuer?: x509.X509Certificate,
): Promise<CertificateHashData> {
  const alg = { SHA256: 'SHA-256', SHA384: 'SHA-384', SHA512: 'SHA-512' }[hashAlgorithm];
  const issuerCert = cert.subject === cert.issuer ? cert : issuer?.subject === cert.issuer ? issuer : undefined;
  return {
    hashAlgorithm,
    issuerNameHash: hex(await cert.issuerName.getThumbprint(alg)),
    issuerKeyHash: issuerCert ? hex(await issuerCert.publicKey.getKeyIdentifier(alg)) : null,
    serialNumber: normalizeSerial(cert.serialNumber),
  };
}

/** Serial as OCPP writes it: hexadecimal, lower case, no leading zeroes. */
export function normalizeSerial(serial: string): string {
  return serial.toLowerCase().replace(/^0x/, '').replace(/^0+(?=.)/, '');
}

function hex(buf: ArrayBuffer): string {
  return Buffer.from(buf).toString('hex');
}

function dn(commonName: string, organization?: string): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return `CN=${esc(commonName)}${organization ? `, O=${esc(organization)}` : ''}`;
}

/** Distinguished name for a new certificate. */
export function distinguishedName(commonName: string, organization?: string): string {
  return dn(commonName, organization);
}

function usageExtensions(purpose: CertificatePurpose): x509.Extension[] {
  const K = x509.KeyUsageFlags;
  switch (purpose) {
    case 'ca':
      return [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(K.keyCertSign | K.cRLSign, true)];
    case 'server':
      return [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(K.digitalSignature | K.keyEncipherment | K.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ];
    case 'client':
      return [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(K.digitalSignature | K.keyEncipherment | K.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ];
    case 'v2g':
      // ISO 15118-2 SECC certificate: the station is the TLS server towards the EV.
      return [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(K.digitalSignature | K.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ];
  }
}

export type { X509Certificate, PublicKey, Name } from '@peculiar/x509';
