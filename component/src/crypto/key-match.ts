import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

/** True when the certificate (PEM or DER) holds the public half of the private key (PEM or KeyObject). */
export function certificateMatchesPrivateKey(certificate: string | Uint8Array, privateKey: string | KeyObject): boolean {
  const cert = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate));
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return cert.checkPrivateKey(key);
}
