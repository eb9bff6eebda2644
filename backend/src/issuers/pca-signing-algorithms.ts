import type { SigningAlgorithm } from '@aws-sdk/client-acm-pca';

/** Signing algorithms AWS Private CA accepts for IssueCertificate. */
export const PCA_SIGNING_ALGORITHMS = [
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
] as const satisfies readonly SigningAlgorithm[];
export type PcaSigningAlgorithm = (typeof PCA_SIGNING_ALGORITHMS)[number];
