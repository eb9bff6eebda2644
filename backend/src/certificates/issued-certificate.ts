import { createPublicKey, X509Certificate } from 'node:crypto';
import { certificateSubject } from './certificate-subject.js';
import { parseCertificationRequest } from './certification-request.js';
import { formatName, sameName, type NameAttribute } from './distinguished-name.js';
import { sameKey } from './same-key.js';

const pemDer = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/**
 * Whether the issuer signed what was asked: the CSR's key, the decided subject, an end-entity
 * certificate, and (when the issuer gave its chain) a signature by the chain's first certificate.
 * Undefined when it did; else what differs.
 */
export function issuedCertificateProblem(
  issued: { certificatePem: string; certificateChainPem?: string },
  csrPem: string,
  subject: readonly NameAttribute[],
): string | undefined {
  const certificate = new X509Certificate(issued.certificatePem);
  const csr = parseCertificationRequest(pemDer(csrPem.slice(csrPem.indexOf('-----BEGIN'))));
  const requestedKey = createPublicKey({ key: Buffer.from(csr.subjectPublicKeyInfo), format: 'der', type: 'spki' });
  if (!sameKey(certificate.publicKey, requestedKey)) return 'the issued certificate does not hold the requested key';
  const issuedSubject = certificateSubject(certificate);
  if (!sameName(issuedSubject, subject)) return `the issued certificate names ${formatName(issuedSubject)}, not ${formatName(subject)}`;
  if (certificate.ca) return 'the issued certificate is a CA certificate';
  if (issued.certificateChainPem !== undefined) {
    const issuer = new X509Certificate(issued.certificateChainPem);
    if (!certificate.verify(issuer.publicKey)) return 'the issued certificate is not signed by the first certificate of its chain';
  }
  return undefined;
}
