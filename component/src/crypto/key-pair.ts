import { generateKeyPair as generateNodeKeyPair, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../config/algorithms.js';
import { namedCurve, rsaModulusLength } from './signature-algorithm.js';

const generate = promisify(generateNodeKeyPair);

/** A freshly generated key pair, held in memory until it is installed. */
export interface GeneratedKeyPair {
  keyAlgorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

// OpenSSL's curve names, as KeyObject.asymmetricKeyDetails reports them.
const CURVE_OF_OPENSSL_NAME: Readonly<Record<string, KeyAlgorithm>> = {
  prime256v1: 'ECDSA-P256',
  secp384r1: 'ECDSA-P384',
  secp521r1: 'ECDSA-P521',
};

/** RSA keys use the public exponent 65537; EC keys the NIST curve named by the algorithm. */
export async function generateKeyPair(keyAlgorithm: KeyAlgorithm): Promise<GeneratedKeyPair> {
  const modulusLength = rsaModulusLength(keyAlgorithm);
  const curve = namedCurve(keyAlgorithm);
  const pair =
    modulusLength !== undefined
      ? await generate('rsa', { modulusLength, publicExponent: 0x10001 })
      : await generate('ec', { namedCurve: curve ?? 'P-256' });
  return { keyAlgorithm, ...pair };
}

/**
 * Unencrypted PEM as Greengrass reads it: PKCS#1 (`RSA PRIVATE KEY`) for RSA, which aws-c-io
 * on Windows needs and AWS IoT's CreateKeysAndCertificate produces; PKCS#8 (`PRIVATE KEY`) for EC.
 */
export function privateKeyToPem(privateKey: KeyObject): string {
  const type = privateKey.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'pkcs8';
  return privateKey.export({ type, format: 'pem' }).toString();
}

/** The key algorithm a public key (KeyObject or SubjectPublicKeyInfo DER) belongs to, if any. */
export function keyAlgorithmOf(publicKey: KeyObject | Uint8Array): KeyAlgorithm | undefined {
  const key = publicKey instanceof Uint8Array ? createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }) : publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const candidate = `RSA-${details.modulusLength ?? 0}`;
    return (KEY_ALGORITHMS as readonly string[]).includes(candidate) ? (candidate as KeyAlgorithm) : undefined;
  }
  if (key.asymmetricKeyType === 'ec') return CURVE_OF_OPENSSL_NAME[details.namedCurve ?? ''];
  return undefined;
}

/** SubjectPublicKeyInfo DER of a public or private key. */
export function publicKeySpki(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'der' });
}
