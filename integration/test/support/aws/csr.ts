import { webcrypto } from 'node:crypto';
import { cryptoProvider } from '../../../aws/model/ca/keys.js';
import * as x509 from '../../../aws/model/ca/x509.js';

export type CsrKind = 'RSA-PKCS1' | 'RSA-PSS' | 'EC-P256' | 'EC-P384' | 'EC-P521';

/** A real CSR of the given key kind, signed as the component would sign it. */
export async function makeCsr(kind: CsrKind, subject = 'CN=thing-1'): Promise<string> {
  const subtle = webcrypto.subtle;
  let keys: webcrypto.CryptoKeyPair;
  let signingAlgorithm: Record<string, unknown>;
  if (kind === 'RSA-PKCS1' || kind === 'RSA-PSS') {
    const name = kind === 'RSA-PSS' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
    keys = (await subtle.generateKey({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    signingAlgorithm = kind === 'RSA-PSS' ? { name, hash: 'SHA-384', saltLength: 48 } : { name, hash: 'SHA-384' };
  } else {
    const namedCurve = kind === 'EC-P256' ? 'P-256' : kind === 'EC-P384' ? 'P-384' : 'P-521';
    keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    signingAlgorithm = { name: 'ECDSA', hash: 'SHA-512' };
  }
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: subject, keys, signingAlgorithm: signingAlgorithm as unknown as webcrypto.Algorithm },
    cryptoProvider,
  );
  return csr.toString('pem');
}

/** The same CSR with one byte of its signature flipped. */
export function tamperCsr(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
}

export function signatureAlgorithmOf(certificatePem: string): { name: string; hash?: string } {
  const algorithm = new x509.X509Certificate(certificatePem).signatureAlgorithm as { name: string; hash?: { name: string } };
  return { name: algorithm.name, ...(algorithm.hash ? { hash: algorithm.hash.name } : {}) };
}
