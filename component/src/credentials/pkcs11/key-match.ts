import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import type * as graphene from 'graphene-pk11';
import { keyTypeOf, rsaPublicKeyOf } from './public-key.js';

/**
 * True when the certificate's public key is the public half of a private key that stays in the token.
 *
 * RSA private key objects carry the modulus and public exponent as readable attributes, so those are
 * compared. EC private key objects carry no public point (PKCS#11 keeps CKA_EC_POINT on the public
 * key object, which the original destroys), so the key signs a random challenge with CKM_ECDSA and
 * the certificate's public key must verify it.
 */
export function privateKeyMatchesCertificate(
  session: graphene.Session,
  privateKey: graphene.SessionObject,
  certificateDer: Buffer,
): boolean {
  const certificateKey = new X509Certificate(certificateDer).publicKey;
  if (keyTypeOf(privateKey) === 'RSA') {
    return certificateKey.asymmetricKeyType === 'rsa' && rsaPublicKeyOf(privateKey).equals(certificateKey);
  }
  if (certificateKey.asymmetricKeyType !== 'ec') return false;
  const challenge = randomBytes(32);
  const digest = createHash('sha256').update(challenge).digest();
  const signature = session.createSign('ECDSA', privateKey.toType<graphene.PrivateKey>()).once(digest);
  return verify('sha256', challenge, { key: certificateKey, dsaEncoding: 'ieee-p1363' }, signature);
}
