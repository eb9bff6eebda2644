import type { AlgorithmConfig, KeyAlgorithm, SigningAlgorithm } from '../config/algorithms.js';
import { keyFamily, signingFamily } from '../config/validate.js';

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/**
 * The WebCrypto description of a CSR signature. One object serves as import parameters,
 * sign parameters and the key algorithm that @peculiar/x509 turns into the ASN.1
 * AlgorithmIdentifier (PSS parameters included).
 */
export type CsrSignatureAlgorithm =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: { name: HashName } }
  | { name: 'RSA-PSS'; hash: { name: HashName }; saltLength: number }
  | { name: 'ECDSA'; hash: { name: HashName }; namedCurve: NamedCurve };

const HASH_LENGTH: Readonly<Record<HashName, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export function signingHash(signingAlgorithm: SigningAlgorithm): HashName {
  if (signingAlgorithm.includes('SHA384')) return 'SHA-384';
  if (signingAlgorithm.includes('SHA512')) return 'SHA-512';
  return 'SHA-256';
}

/** Bytes of a digest; RSA-PSS uses it as salt length, as the original does. */
export function hashLength(hash: HashName): number {
  return HASH_LENGTH[hash];
}

export function namedCurve(keyAlgorithm: KeyAlgorithm): NamedCurve | undefined {
  switch (keyAlgorithm) {
    case 'ECDSA-P256':
      return 'P-256';
    case 'ECDSA-P384':
      return 'P-384';
    case 'ECDSA-P521':
      return 'P-521';
    default:
      return undefined;
  }
}

/** RSA modulus length in bits, undefined for EC keys. */
export function rsaModulusLength(keyAlgorithm: KeyAlgorithm): number | undefined {
  switch (keyAlgorithm) {
    case 'RSA-2048':
      return 2048;
    case 'RSA-3072':
      return 3072;
    default:
      return undefined;
  }
}

/** Throws when the key and signing algorithms belong to different families. */
export function csrSignatureAlgorithm(algorithms: AlgorithmConfig): CsrSignatureAlgorithm {
  const { keyAlgorithm, signingAlgorithm } = algorithms;
  if (keyFamily(keyAlgorithm) !== signingFamily(signingAlgorithm)) {
    throw new Error(`Signing algorithm ${signingAlgorithm} does not suit key algorithm ${keyAlgorithm}`);
  }
  const hash = { name: signingHash(signingAlgorithm) };
  const curve = namedCurve(keyAlgorithm);
  if (curve !== undefined) return { name: 'ECDSA', hash, namedCurve: curve };
  if (signingAlgorithm.endsWith('ANDMGF1')) return { name: 'RSA-PSS', hash, saltLength: hashLength(hash.name) };
  return { name: 'RSASSA-PKCS1-v1_5', hash };
}
