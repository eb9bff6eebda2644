import type { KeyAlgorithm, SigningAlgorithm } from '../../config/algorithms.js';

export type HashName = 'sha256' | 'sha384' | 'sha512';

export const HASH_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** How a key algorithm maps onto PKCS#11 key generation. */
export type KeySpec =
  | { family: 'RSA'; bits: number; generation: 'RSA_PKCS_KEY_PAIR_GEN' }
  | { family: 'EC'; bits: number; curve: 'secp256r1' | 'secp384r1' | 'secp521r1'; generation: 'EC_KEY_PAIR_GEN' };

export const KEY_SPECS: Record<KeyAlgorithm, KeySpec> = {
  'RSA-2048': { family: 'RSA', bits: 2048, generation: 'RSA_PKCS_KEY_PAIR_GEN' },
  'RSA-3072': { family: 'RSA', bits: 3072, generation: 'RSA_PKCS_KEY_PAIR_GEN' },
  'ECDSA-P256': { family: 'EC', bits: 256, curve: 'secp256r1', generation: 'EC_KEY_PAIR_GEN' },
  'ECDSA-P384': { family: 'EC', bits: 384, curve: 'secp384r1', generation: 'EC_KEY_PAIR_GEN' },
  'ECDSA-P521': { family: 'EC', bits: 521, curve: 'secp521r1', generation: 'EC_KEY_PAIR_GEN' },
};

/**
 * How a signing algorithm maps onto a PKCS#11 signing mechanism.
 *
 * ECDSA hashes outside the token and signs with plain CKM_ECDSA, as the original does: SoftHSM and
 * the Microchip ATECC608B have no CKM_ECDSA_SHA*. RSA hashes inside the token (CKM_SHA*_RSA_PKCS,
 * CKM_SHA*_RSA_PKCS_PSS with MGF1 of the same hash and a salt as long as the hash).
 */
export interface SigningSpec {
  family: 'RSA' | 'EC';
  hash: HashName;
  mechanism:
    | 'SHA256_RSA_PKCS'
    | 'SHA384_RSA_PKCS'
    | 'SHA512_RSA_PKCS'
    | 'SHA256_RSA_PKCS_PSS'
    | 'SHA384_RSA_PKCS_PSS'
    | 'SHA512_RSA_PKCS_PSS'
    | 'ECDSA';
  pss: boolean;
}

export const SIGNING_SPECS: Record<SigningAlgorithm, SigningSpec> = {
  SHA256WITHRSA: { family: 'RSA', hash: 'sha256', mechanism: 'SHA256_RSA_PKCS', pss: false },
  SHA384WITHRSA: { family: 'RSA', hash: 'sha384', mechanism: 'SHA384_RSA_PKCS', pss: false },
  SHA512WITHRSA: { family: 'RSA', hash: 'sha512', mechanism: 'SHA512_RSA_PKCS', pss: false },
  SHA256WITHRSAANDMGF1: { family: 'RSA', hash: 'sha256', mechanism: 'SHA256_RSA_PKCS_PSS', pss: true },
  SHA384WITHRSAANDMGF1: { family: 'RSA', hash: 'sha384', mechanism: 'SHA384_RSA_PKCS_PSS', pss: true },
  SHA512WITHRSAANDMGF1: { family: 'RSA', hash: 'sha512', mechanism: 'SHA512_RSA_PKCS_PSS', pss: true },
  'ECDSA-WITH-SHA256': { family: 'EC', hash: 'sha256', mechanism: 'ECDSA', pss: false },
  'ECDSA-WITH-SHA384': { family: 'EC', hash: 'sha384', mechanism: 'ECDSA', pss: false },
  'ECDSA-WITH-SHA512': { family: 'EC', hash: 'sha512', mechanism: 'ECDSA', pss: false },
};
