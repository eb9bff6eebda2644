/** Key algorithms a new certificate's key may use (component configuration `keyAlgorithm`). */
export const KEY_ALGORITHMS = ['RSA-2048', 'RSA-3072', 'ECDSA-P256', 'ECDSA-P384', 'ECDSA-P521'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** Signature algorithms for the CSR (component configuration `signingAlgorithm`). */
export const SIGNING_ALGORITHMS = [
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SHA256WITHRSAANDMGF1',
  'SHA384WITHRSAANDMGF1',
  'SHA512WITHRSAANDMGF1',
  'ECDSA-WITH-SHA256',
  'ECDSA-WITH-SHA384',
  'ECDSA-WITH-SHA512',
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'RSA-2048';
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'SHA256WITHRSA';

export interface AlgorithmConfig {
  keyAlgorithm: KeyAlgorithm;
  signingAlgorithm: SigningAlgorithm;
}
