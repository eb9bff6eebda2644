import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import type { KeyAlgorithm } from '../../component/src/config/algorithms.js';
import { keyAlgorithmOf } from '../../component/src/crypto/key-pair.js';
import { X509Certificate } from '../../component/src/crypto/x509.js';

/** What the integration suites check of an issued certificate. */
export interface CertificateFacts {
  issuer: string;
  /** Issued by AWS IoT Core's CA ("Amazon Web Services" in the issuer). */
  amazonIssued: boolean;
  /** In AWS Private CA's spelling: SHA256WITHRSA, SHA384WITHECDSA, ... */
  signatureAlgorithm: string;
  keyAlgorithm: KeyAlgorithm | undefined;
  /** Days between notBefore and notAfter, rounded. */
  validityDays: number;
}

export function certificateFacts(pem: string): CertificateFacts {
  const node = new NodeX509(pem);
  const cert = new X509Certificate(pem);
  const algorithm = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  const hash = (algorithm.hash?.name ?? '').replace('-', '');
  const family = algorithm.name === 'ECDSA' ? 'ECDSA' : 'RSA';
  const pss = algorithm.name === 'RSA-PSS' ? 'ANDMGF1' : '';
  return {
    issuer: node.issuer,
    amazonIssued: node.issuer.includes('Amazon Web Services'),
    signatureAlgorithm: `${hash}WITH${family}${pss}`,
    keyAlgorithm: keyAlgorithmOf(node.publicKey),
    validityDays: Math.round((Date.parse(node.validTo) - Date.parse(node.validFrom)) / 86_400_000),
  };
}

/** AWS IoT's certificate id: the SHA-256 of the DER, so PEM formatting does not matter. */
export function certificateId(pem: string): string {
  return createHash('sha256').update(new NodeX509(pem).raw).digest('hex');
}
