import type { webcrypto } from 'node:crypto';
import type { HashName } from './keys.js';

/** Signature algorithms of ACM PCA's IssueCertificate (`SigningAlgorithm`). */
export const PCA_SIGNING_ALGORITHMS = [
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
] as const;
export type PcaSigningAlgorithm = (typeof PCA_SIGNING_ALGORITHMS)[number];

export interface SignatureScheme {
  family: 'RSA' | 'EC';
  hash: HashName;
}

export function signatureScheme(algorithm: PcaSigningAlgorithm): SignatureScheme {
  const hash = `SHA-${algorithm.slice(3, 6)}` as HashName;
  return { family: algorithm.endsWith('ECDSA') ? 'EC' : 'RSA', hash };
}

/** The @peculiar/x509 `signingAlgorithm` parameter for a scheme. */
export function webCryptoSigningAlgorithm(scheme: SignatureScheme): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return scheme.family === 'EC'
    ? ({ name: 'ECDSA', hash: scheme.hash } as webcrypto.EcdsaParams)
    : ({ name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash } as webcrypto.Algorithm);
}
