import * as graphene from 'graphene-pk11';
import type { KeyAlgorithm } from '../../config/algorithms.js';
import { KEY_SPECS } from './algorithm-specs.js';

const RSA_PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]);

/**
 * Generates a key pair inside the token as token objects. The private key is sensitive and not
 * extractable, so it never leaves the HSM; the public key object exists only long enough for the
 * CSR to be built from it.
 */
export function generateKeyPairInToken(
  session: graphene.Session,
  keyAlgorithm: KeyAlgorithm,
  label: string,
  id: Buffer,
): graphene.IKeyPair {
  const spec = KEY_SPECS[keyAlgorithm];
  const common = { token: true, label, id };
  const privateTemplate = {
    ...common,
    class: graphene.ObjectClass.PRIVATE_KEY,
    private: true,
    sensitive: true,
    extractable: false,
    sign: true,
  };
  const publicTemplate = { ...common, class: graphene.ObjectClass.PUBLIC_KEY, private: false, verify: true };
  if (spec.family === 'RSA') {
    return session.generateKeyPair(
      graphene.KeyGenMechanism.RSA,
      { ...publicTemplate, keyType: graphene.KeyType.RSA, modulusBits: spec.bits, publicExponent: RSA_PUBLIC_EXPONENT, encrypt: true },
      // RSA keys may also serve TLS key exchanges that decrypt, as the original's keys (python-pkcs11 defaults) do.
      { ...privateTemplate, keyType: graphene.KeyType.RSA, decrypt: true },
    );
  }
  return session.generateKeyPair(
    graphene.KeyGenMechanism.EC,
    { ...publicTemplate, keyType: graphene.KeyType.EC, paramsEC: graphene.NamedCurve.getByName(spec.curve).value },
    { ...privateTemplate, keyType: graphene.KeyType.EC },
  );
}
