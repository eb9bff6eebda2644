import { createHash } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import type { SigningAlgorithm } from '../../config/algorithms.js';
import { HASH_LENGTH, SIGNING_SPECS, type HashName } from './algorithm-specs.js';

const PSS_HASH: Record<HashName, { mechanism: graphene.MechanismEnum; mgf: graphene.RsaMgf }> = {
  sha256: { mechanism: graphene.MechanismEnum.SHA256, mgf: graphene.RsaMgf.MGF1_SHA256 },
  sha384: { mechanism: graphene.MechanismEnum.SHA384, mgf: graphene.RsaMgf.MGF1_SHA384 },
  sha512: { mechanism: graphene.MechanismEnum.SHA512, mgf: graphene.RsaMgf.MGF1_SHA512 },
};

/**
 * Signs `data` with a private key that stays in the token. Returns the signature as PKCS#11 (and
 * WebCrypto) produce it: the PKCS#1 v1.5 or PSS block for RSA, raw r||s for ECDSA.
 */
export function signInToken(
  session: graphene.Session,
  privateKey: graphene.SessionObject,
  signingAlgorithm: SigningAlgorithm,
  data: Buffer,
): Buffer {
  const spec = SIGNING_SPECS[signingAlgorithm];
  const key = privateKey.toType<graphene.PrivateKey>();
  if (spec.family === 'EC') {
    const digest = createHash(spec.hash).update(data).digest();
    return session.createSign('ECDSA', key).once(digest);
  }
  const mechanism: graphene.MechanismType = spec.pss
    ? {
        name: spec.mechanism,
        params: new graphene.RsaPssParams(PSS_HASH[spec.hash].mechanism, PSS_HASH[spec.hash].mgf, HASH_LENGTH[spec.hash]),
      }
    : spec.mechanism;
  return session.createSign(mechanism, key).once(data);
}
