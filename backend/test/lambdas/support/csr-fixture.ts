import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Real keys, certificates and CSRs for the backend's CSR checks. */
const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[1]>;
type Keys = webcrypto.CryptoKeyPair;

export type KeyKind = 'EC-P256' | 'EC-P384' | 'RSA-2048' | 'RSA-1024';

export async function keyPair(kind: KeyKind = 'EC-P256'): Promise<Keys> {
  const algorithm = kind.startsWith('EC')
    ? { name: 'ECDSA', namedCurve: kind === 'EC-P256' ? 'P-256' : 'P-384' }
    : {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: kind === 'RSA-1024' ? 1024 : 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as Keys;
}

const signingOf = (keys: Keys) =>
  keys.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** A self-signed client certificate standing in for the thing's current certificate. */
export async function currentCertificate(subject = 'CN=core-1', keys?: Keys): Promise<{ pem: string; keys: Keys }> {
  const own = keys ?? (await keyPair());
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: subject,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys: own,
      signingAlgorithm: signingOf(own),
    },
    crypto,
  );
  return { pem: certificate.toString('pem'), keys: own };
}

export interface CsrOptions {
  subject?: string;
  keys?: Keys;
  extensions?: x509.Extension[];
}

export async function csrPem(options: CsrOptions = {}): Promise<string> {
  const keys = options.keys ?? (await keyPair());
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: options.subject ?? 'CN=core-1',
      keys,
      signingAlgorithm: signingOf(keys),
      ...(options.extensions ? { extensions: options.extensions } : {}),
    },
    crypto,
  );
  return csr.toString('pem');
}

export { x509 };
