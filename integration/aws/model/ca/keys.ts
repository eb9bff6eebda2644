import { createPrivateKey, webcrypto } from 'node:crypto';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The WebCrypto provider handed to @peculiar/x509 explicitly, so no library-global state is set. */
export const cryptoProvider: webcrypto.Crypto = webcrypto;

export type KeySpec = { kind: 'RSA'; bits: 2048 | 3072 | 4096 } | { kind: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' };

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Generates an extractable key pair usable by @peculiar/x509 (RSA keys bound to SHA-256). */
export async function generateKeyPair(spec: KeySpec): Promise<CryptoKeyPair> {
  const algorithm =
    spec.kind === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: spec.curve };
  return (await cryptoProvider.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/**
 * Private key PEM in the encoding AWS IoT's CreateKeysAndCertificate hands out: PKCS#1 for RSA,
 * PKCS#8 for EC (SEC1 is what AWS uses for EC; PKCS#8 is what the component writes).
 */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await cryptoProvider.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return keyObject.asymmetricKeyType === 'rsa'
    ? (keyObject.export({ format: 'pem', type: 'pkcs1' }) as string)
    : (keyObject.export({ format: 'pem', type: 'pkcs8' }) as string);
}

/**
 * WebCrypto binds an RSA signing key to one hash; signing with another hash needs the key
 * re-imported with it. EC keys take the hash per signature and come back unchanged.
 */
export async function signingKeyFor(key: CryptoKey, hash: HashName): Promise<CryptoKey> {
  if (key.algorithm.name === 'ECDSA') return key;
  const pkcs8 = await cryptoProvider.subtle.exportKey('pkcs8', key);
  return cryptoProvider.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
}
