// @peculiar/x509 needs the Reflect metadata API loaded before it (see pki.ts).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { parseCertificates, PkiError, type X509Certificate } from './pki.js';

/** OCPP AuthorizeCertificateStatusEnumType: the verdict on an EV's contract certificate (C07). */
export type ContractCertificateStatus =
  | 'Accepted' | 'SignatureError' | 'CertificateExpired' | 'CertificateRevoked' | 'NoCertificateAvailable' | 'CertChainError' | 'ContractCancelled';

/** A contract chain that passed the offline checks: the path from the leaf up to a trusted root. */
export interface CheckedChain {
  ok: true;
  /** Leaf first, then each issuer up to (not including) the trusted root. */
  path: X509Certificate[];
  /** The configured root the path ends at. */
  root: X509Certificate;
}

/** Why a contract chain was refused. */
export interface RefusedChain {
  ok: false;
  status: ContractCertificateStatus;
  why: string;
}

/**
 * Checks an EV's contract certificate chain as a station sends it in Authorize (C07: PEM, leaf
 * first, then sub-CAs, the root left out) without the network: builds the path from the leaf
 * through the given sub-CAs to one of the trusted `roots`, checks every signature on it, every
 * validity period at `now` (the root's too) and that every issuer is a CA allowed to sign at that
 * depth (basic constraints, path length, key usage). Revocation is the caller's (OCSP) part.
 * Verdicts: no certificate: NoCertificateAvailable; unreadable PEM, no path to a trusted root or a
 * non-CA issuer: CertChainError; a signature that does not verify: SignatureError; outside its
 * validity: CertificateExpired.
 * @example const r = await checkContractChain(pem, [moRoot]); if (r.ok) r.path.forEach(...)
 */
export async function checkContractChain(pem: string, roots: readonly X509Certificate[], now = new Date()): Promise<CheckedChain | RefusedChain> {
  const refuse = (status: ContractCertificateStatus, why: string): RefusedChain => ({ ok: false, status, why });
  if (!pem.trim()) return refuse('NoCertificateAvailable', 'the certificate field is empty');
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(pem);
  } catch (err) {
    if (!(err instanceof PkiError)) throw err;
    return refuse('CertChainError', err.message);
  }
  const [leaf, ...given] = certs;
  if (!leaf) return refuse('CertChainError', 'the certificate field holds no PEM certificate');
  if (roots.length === 0) return refuse('CertChainError', 'no trusted contract root is configured (VOLTLANE_CONTRACT_ROOTS, VOLTLANE_V2G_CA_CERT)');

  // Path building: each step goes to a trusted root if one issued the certificate, else to a given sub-CA.
  const path: X509Certificate[] = [leaf];
  let root: X509Certificate | undefined;
  for (let cur = leaf; !root; ) {
    // A self-signed certificate reached here is a root no configured root issued: not trusted.
    if (cur.subject === cur.issuer) return refuse('CertChainError', `the chain ends at "${cur.subject}", a root that is not trusted`);
    const trusted = roots.filter((r) => issuedBy(cur, r));
    if (trusted.length) {
      for (const r of trusted) if (await signedBy(cur, r)) root = r;
      if (!root) return refuse('SignatureError', `the signature of "${cur.subject}" does not verify with the trusted root "${cur.issuer}"`);
      break;
    }
    const next = given.find((c) => !path.includes(c) && issuedBy(cur, c));
    if (!next) return refuse('CertChainError', `the issuer "${cur.issuer}" of "${cur.subject}" is neither in the chain nor a trusted root`);
    if (!(await signedBy(cur, next))) return refuse('SignatureError', `the signature of "${cur.subject}" does not verify with the key of "${next.subject}"`);
    path.push(next);
    cur = next;
  }

  for (const c of [...path, root]) {
    if (now < c.notBefore) return refuse('CertificateExpired', `"${c.subject}" is not valid before ${c.notBefore.toISOString()}`);
    if (now > c.notAfter) return refuse('CertificateExpired', `"${c.subject}" expired at ${c.notAfter.toISOString()}`);
  }

  if (isCa(leaf)) return refuse('CertChainError', `the contract certificate "${leaf.subject}" is a CA certificate, not an end-entity certificate`);
  const issuers = [...path.slice(1), root];
  for (const [i, ca] of issuers.entries()) {
    const bc = ca.getExtension(x509.BasicConstraintsExtension);
    if (!bc?.ca) return refuse('CertChainError', `"${ca.subject}" issues a certificate in the chain but is not a CA (basic constraints)`);
    // pathLenConstraint counts the intermediate CAs below this one (the leaf excluded).
    if (bc.pathLength !== undefined && i > bc.pathLength) return refuse('CertChainError', `"${ca.subject}" allows ${bc.pathLength} CA(s) below it; the chain has ${i}`);
    const ku = ca.getExtension(x509.KeyUsagesExtension);
    if (ku && !(ku.usages & x509.KeyUsageFlags.keyCertSign)) return refuse('CertChainError', `"${ca.subject}" may not sign certificates (key usage without keyCertSign)`);
  }
  return { ok: true, path, root };
}

/** Whether `issuer` names the issuer of `cert`: same name and, where both say, the same key identifier. */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  const sameName = cert.issuer === issuer.subject || Buffer.from(cert.issuerName.toArrayBuffer()).equals(Buffer.from(issuer.subjectName.toArrayBuffer()));
  if (!sameName) return false;
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const ski = issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return !aki || !ski || aki.toLowerCase() === ski.toLowerCase();
}

async function signedBy(cert: X509Certificate, issuer: X509Certificate): Promise<boolean> {
  // A key or signature that cannot be read does not verify.
  return cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
}

function isCa(cert: X509Certificate): boolean {
  return cert.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

/** The OCSP responder URLs a certificate names (Authority Information Access). */
export function ocspUrls(cert: X509Certificate): string[] {
  return (cert.getExtension(x509.AuthorityInfoAccessExtension)?.ocsp ?? []).filter((g) => g.type === 'url').map((g) => g.value);
}
