import { X509Certificate } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { formatName, nameAttributes, sameName, type NameAttribute } from './distinguished-name.js';

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
  const tbs = AsnConvert.parse(pemDer(issued.certificatePem), Certificate).tbsCertificate;
  const csr = AsnConvert.parse(pemDer(csrPem.slice(csrPem.indexOf('-----BEGIN'))), CertificationRequest).certificationRequestInfo;
  const sameKey = Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)).equals(Buffer.from(AsnConvert.serialize(csr.subjectPKInfo)));
  if (!sameKey) return 'the issued certificate does not hold the requested key';
  const issuedSubject = nameAttributes(tbs.subject);
  if (!sameName(issuedSubject, subject)) return `the issued certificate names ${formatName(issuedSubject)}, not ${formatName(subject)}`;
  const certificate = new X509Certificate(issued.certificatePem);
  if (certificate.ca) return 'the issued certificate is a CA certificate';
  if (issued.certificateChainPem !== undefined) {
    const issuer = new X509Certificate(issued.certificateChainPem);
    if (!certificate.verify(issuer.publicKey)) return 'the issued certificate is not signed by the first certificate of its chain';
  }
  return undefined;
}
